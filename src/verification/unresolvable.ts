/**
 * Days past the target date after which missing bars are an error, not "not due yet". Apart
 * from the scorer so that `mlx verify --help` loads without the store.
 */
export const UNRESOLVABLE_AFTER_DAYS = 14;
