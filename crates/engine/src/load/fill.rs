//! Filling a buffer from a reader: how every reader of the engine reads.

use std::io::Read;

/// Reads into `buf` until it holds `len` bytes or the reader ends; returns
/// whether it ended. The one "fill a buffer from a reader" loop: reading
/// in whole buffers makes what is done per buffer (a push, a deflate
/// block) independent of how short the reader's reads are.
///
/// A reader that has said it ended is not read again: a database's COPY
/// stream takes a read past its end for a protocol error.
pub fn fill(reader: &mut impl Read, buf: &mut Vec<u8>, len: usize) -> std::io::Result<bool> {
    while buf.len() < len {
        let want = (len - buf.len()) as u64;
        // `take` + `read_to_end` reads into the spare room without zeroing
        // it, and stops at `want` bytes or at the reader's end: short of
        // `want`, the reader ended.
        match reader.by_ref().take(want).read_to_end(buf) {
            Ok(_) => return Ok(buf.len() < len),
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

    /// A reader that fails when read again after saying it ended, as a
    /// COPY stream does.
    struct Strict<'a>(&'a [u8], bool);

    impl Read for Strict<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            assert!(!self.1, "read again after its end");
            let n = self.0.len().min(buf.len()).min(3);
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            self.1 = n == 0;
            Ok(n)
        }
    }

    #[test]
    fn fill_never_reads_past_the_end() {
        let mut buf = Vec::new();
        let mut reader = Strict(b"abcdefg", false);
        assert!(fill(&mut reader, &mut buf, 16).unwrap());
        assert_eq!(buf, b"abcdefg");
    }
}
