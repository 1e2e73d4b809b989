/** Tables of usage tracking and inference tables. */
export type UsageTables = Record<never, never>;
