/**
 * Property tests run with a fixed seed so CI is reproducible: a red run must be repeatable, not luck.
 * Explore other inputs locally with `FC_SEED=<n> npx vitest run` (or `FC_SEED=random`).
 */
import fc from 'fast-check';

const seed = process.env.FC_SEED;
if (seed !== 'random') fc.configureGlobal({ seed: seed === undefined ? 20261123 : Number(seed) });
