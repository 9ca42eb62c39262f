/**
 * Polls until `probe` returns a value other than undefined, and returns it; a probe that throws
 * counts as not yet. Fails naming what it waited for once the time is up. For waiting on what
 * the cluster's controllers do in their own time.
 *
 * @public
 */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 120_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) {
        return value;
      }
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${
          last ? ` (last error: ${last})` : ''
        }`,
      );
    }
    await new Promise(r => setTimeout(r, 500));
  }
}
