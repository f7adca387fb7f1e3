import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Writes a one-document shipped corpus (manifest and text) into `corpusDir`, for tests that
 * need a corpus but not the real one.
 *
 * @example
 * await writeEstuaryCorpus(join(root, 'corpus'));
 */
export async function writeEstuaryCorpus(corpusDir: string): Promise<void> {
  await mkdir(corpusDir, { recursive: true });
  await writeFile(
    join(corpusDir, 'manifest.json'),
    JSON.stringify({
      documents: [
        {
          id: 'estuary-guide',
          title: 'A guide to the estuary',
          site: 'Harbour Office',
          language: 'en',
          seed: 'guide.txt',
          provenance: 'written for the test',
        },
      ],
    }),
  );
  await writeFile(
    join(corpusDir, 'estuary-guide.txt'),
    'The estuary silts up every winter, and the channel is dredged in spring.',
  );
}
