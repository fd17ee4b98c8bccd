// Memory of headless Chromium's renderer processes, sampled from /proc.
import fs from 'node:fs';

// Peak RSS of the Chromium renderer process(es) below this Node process, from /proc.
export function rendererSampler(rootPid) {
  const kids = (pid) => {
    try {
      return fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
    } catch { return []; }
  };
  const rssOf = (pid) => {
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
      return m ? Number(m[1]) * 1024 : 0;
    } catch { return 0; }
  };
  const renderers = () => {
    const out = [];
    const stack = [rootPid];
    while (stack.length) {
      const p = stack.pop();
      for (const c of kids(p)) {
        stack.push(c);
        try { if (fs.readFileSync(`/proc/${c}/cmdline`, 'utf8').includes('--type=renderer')) out.push(c); } catch { /* gone */ }
      }
    }
    return out;
  };
  let peak = 0, cur = 0;
  const sample = () => { cur = renderers().reduce((s, p) => s + rssOf(p), 0); peak = Math.max(peak, cur); return cur; };
  const timer = setInterval(sample, 50);
  return { sample, reset: () => { peak = sample(); }, peak: () => Math.max(peak, sample()), stop: () => clearInterval(timer) };
}

