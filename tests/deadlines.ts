/**
 * How long a test waits for something that will happen: a process starting, a change reaching
 * another process, a log line. These deadlines only catch hangs; how fast things happen is
 * measured by `npm run bench`, never asserted here. They are generous so that a busy machine
 * (two suites side by side on two cores, each spawning bots) cannot fail a correct test.
 */
export const EVENTUALLY_MS = 90_000;

/** `vi.waitFor(check, EVENTUALLY)`: polls every 20 ms until `EVENTUALLY_MS`. */
export const EVENTUALLY = { timeout: EVENTUALLY_MS, interval: 20 } as const;
