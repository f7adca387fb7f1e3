import { mkdir, rm, writeFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectClean, useHarness } from '../e2e/harness.ts';

const harness = useHarness({ env: { FOOTNOTE_HTTP_PORT: '0', FOOTNOTE_HTTP_HOST: '127.0.0.1' } });
let base: string;

beforeAll(() => {
  base = `http://127.0.0.1:${harness.bot()!.httpPort}`;
});

const get = (path: string, init?: RequestInit) => fetch(`${base}${path}`, init);

/** The value of one sample in Prometheus text format, or undefined when absent. */
async function sample(series: string): Promise<number | undefined> {
  const text = await (await get('/metrics')).text();
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('/healthz', () => {
  it('is 200 once the gateway is ready, the index loaded and the data directory writable', async () => {
    const response = await get('/healthz');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      status: 'ok',
      healthy: true,
      checks: { lifecycle: 'ok', gateway: 'ok', index: 'ok', data: 'ok' },
    });
  });

  it('is 503 with the reason when the data directory cannot be written', async () => {
    const dataDir = harness.env['FOOTNOTE_DATA_DIR']!;
    await rm(dataDir, { recursive: true, force: true });
    await writeFile(dataDir, 'a file where the directory should be');
    try {
      const response = await get('/healthz');
      expect(response.status).toBe(503);
      const body = (await response.json()) as { status: string; reason: string };
      expect(body.status).toBe('unavailable');
      expect(body.reason).toBe(`data: cannot write in ${dataDir}: a file is in the way (EEXIST)`);
    } finally {
      await rm(dataDir, { force: true });
      await mkdir(dataDir);
    }
    expect((await get('/healthz')).status).toBe(200);
  });
});

describe('/metrics', () => {
  it('is Prometheus text', async () => {
    const response = await get('/metrics');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/u);
  });

  it('counts interactions by command and outcome', async () => {
    const series = 'footnote_interactions_total{kind="command",command="ask",outcome="ok"}';
    const before = (await sample(series)) ?? 0;
    expectClean(
      await harness.fake.sendChatInput({ name: 'ask', options: { question: 'QR codes' } }),
    );
    expect(await sample(series)).toBe(before + 1);
  });

  it('counts questions without a good answer', async () => {
    const before = (await sample('footnote_no_answer_total')) ?? 0;
    await harness.fake.sendChatInput({
      name: 'ask',
      options: { question: 'How do I bake sourdough bread?' },
    });
    expect(await sample('footnote_no_answer_total')).toBe(before + 1);
  });

  it('has an answer latency histogram', async () => {
    const count = await sample(
      'footnote_answer_duration_seconds_count{kind="command",command="ask"}',
    );
    expect(count).toBeGreaterThanOrEqual(2);
    expect(
      await sample(
        'footnote_answer_duration_seconds_bucket{le="+Inf",kind="command",command="ask"}',
      ),
    ).toBe(count);
  });

  it('gives the documents each server can search', async () => {
    expect(await sample(`footnote_documents{server="${harness.fake.guild.id}"}`)).toBe(25);
  });

  it('counts errors by source, from zero', async () => {
    expect(await sample('footnote_errors_total{source="command"}')).toBe(0);
    expect(await sample('footnote_errors_total{source="reply"}')).toBe(0);
  });
});

describe('anything else', () => {
  it('is 404 for another path and 405 for another method', async () => {
    expect((await get('/')).status).toBe(404);
    expect((await get('/metrics', { method: 'POST' })).status).toBe(405);
  });
});
