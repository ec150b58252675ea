/**
 * Money in the ledger. Each record keeps its `costUsd` as given, and also as an integer number of
 * pico-dollars (1e-12 USD) that every sum uses. Why: floating-point sums depend on the order of the rows,
 * so a total computed by SQLite, by a test, or after a roll-up into daily aggregates would differ in the last
 * digits. Integer sums are exact and order-free, so a summary is the same before and after a roll-up.
 */

const PICO_PER_USD = 1e12;

/** USD -> integer pico-dollars, rounded to the nearest; non-finite or negative amounts count as 0. */
export function toPicoUsd(usd: number): bigint {
  if (!Number.isFinite(usd) || usd <= 0) return 0n;
  return BigInt(Math.round(usd * PICO_PER_USD));
}

/** Integer pico-dollars (a bigint, or the decimal text SQLite returns for a SUM) -> USD. */
export function picoToUsd(pico: bigint | string | number | null | undefined): number {
  if (pico === null || pico === undefined || pico === '') return 0;
  return Number(BigInt(pico)) / PICO_PER_USD;
}

/**
 * The ledger's total of some costs: exactly what `summarize` reports for rows with these costs, whatever their
 * order. Use it in tests and tools that compare their own sums with a summary.
 */
export function sumCostUsd(costs: Iterable<number>): number {
  let total = 0n;
  for (const c of costs) total += toPicoUsd(c);
  return picoToUsd(total);
}
