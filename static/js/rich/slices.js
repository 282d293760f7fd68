// Work that follows a render (typesetting, highlighting, drawing) done in slices of about `budget` ms
// that give the event loop back between them: a long answer's blocks never all land in one task, and
// streaming, input and painting go on in between. Used by the lazy chunks; no DOM here.

// scheduler.yield() resumes before other queued work where the browser has it; a timer elsewhere.
export function pause() {
  const s = globalThis.scheduler;
  return s && typeof s.yield === "function" ? s.yield() : new Promise((go) => setTimeout(go));
}

const clock = () => (globalThis.performance ? performance.now() : Date.now());

/**
 * A queue of jobs (functions) run after the current task, as many per slice as fit in `budget` ms
 * (at least one). add(job) returns a promise of the queue running dry; a job that throws is skipped.
 */
export function createSlicer({ budget = 8, now = clock, wait = pause } = {}) {
  const jobs = [];
  let running = null;

  async function drain() {
    try {
      while (jobs.length) {
        await wait();
        const start = now();
        do {
          try {
            jobs.shift()();
          } catch {
            /* one failed job leaves its block as it was; the others go on */
          }
        } while (jobs.length && now() - start < budget);
      }
    } finally {
      running = null;
    }
  }

  return {
    add(job) {
      jobs.push(job);
      return (running ||= drain());
    },
    get size() {
      return jobs.length;
    },
    /** Resolves when every job added so far has run. */
    idle: () => running || Promise.resolve(),
  };
}
