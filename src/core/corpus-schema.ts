import { z } from 'zod';

const isoDate = z.iso.date({ error: 'must be a date written YYYY-MM-DD' });

/**
 * Metadata of one shipped document, as `corpus/manifest.json` holds it. The loader and the
 * corpus test validate with this one schema. Optional fields are absent when the source text
 * does not give them: nothing is guessed.
 *
 * @example
 * shippedDocumentSchema.parse({ id: 'mt-passports', title: 'Russian Region…', site: 'The Moscow Times', language: 'en', seed: '001.txt', provenance: '…' });
 */
export const shippedDocumentSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be lower-case words joined by dashes'),
  title: z.string().trim().min(1).max(400),
  site: z.string().trim().min(1),
  author: z.string().trim().min(1).optional(),
  publishedAt: isoDate.optional(),
  url: z.url({ protocol: /^https?$/ }).optional(),
  language: z
    .string()
    .regex(/^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$/, 'must be a BCP 47 tag such as "en"'),
  /** The raw page in `corpus/seeds/` the text was cleaned from. */
  seed: z.string().min(1),
  /** Where each field came from, and why any is absent. */
  provenance: z.string().min(1),
});

export const manifestSchema = z
  .strictObject({
    documents: z.array(shippedDocumentSchema).min(1),
  })
  .superRefine((manifest, context) => {
    const ids = new Set<string>();
    for (const [index, document] of manifest.documents.entries()) {
      if (ids.has(document.id)) {
        context.addIssue({
          code: 'custom',
          path: ['documents', index, 'id'],
          message: `duplicate id ${document.id}`,
        });
      }
      ids.add(document.id);
    }
  });

export type ShippedDocument = z.infer<typeof shippedDocumentSchema>;
export type Manifest = z.infer<typeof manifestSchema>;
