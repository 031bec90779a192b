/**
 * Splits pasted PEM text into certificates, so an operator can paste a whole chain file into one
 * field of the proposal form.
 */

/**
 * The PEM certificate blocks in a text, in order.
 *
 * @param text - one or more `-----BEGIN CERTIFICATE-----` blocks, anything between them ignored
 * @returns each block, normalised to end in a newline
 */
export function pemBlocks(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g)) {
    out.push(`${m[0]}\n`);
  }
  return out;
}
