//! Filling a buffer from a reader: how every reader of the engine reads.

use std::io::Read;

/// Reads into `buf` until it holds `len` bytes or the reader ends; returns
/// whether it ended. The one "fill a buffer from a reader" loop: reading
/// in whole buffers makes what is done per buffer (a push, a deflate
/// block) independent of how short the reader's reads are.
pub fn fill(reader: &mut impl Read, buf: &mut Vec<u8>, len: usize) -> std::io::Result<bool> {
    while buf.len() < len {
        let want = (len - buf.len()) as u64;
        // `take` + `read_to_end` reads into the spare room without zeroing it.
        match reader.by_ref().take(want).read_to_end(buf) {
            Ok(0) => return Ok(true),
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_reads_until_full_or_ended() {
        let mut buf = Vec::new();
        let mut reader: &[u8] = b"abcdef";
        assert!(!fill(&mut reader, &mut buf, 4).unwrap());
        assert_eq!(buf, b"abcd");
        assert!(fill(&mut reader, &mut buf, 8).unwrap());
        assert_eq!(buf, b"abcdef");
    }
}
