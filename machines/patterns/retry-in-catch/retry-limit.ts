/** Publish attempts the catch block makes before it gives up and rethrows, in every variant. */
export const MAX_RETRIES = 3;
