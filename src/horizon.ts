/**
 * The label horizons mlx trains for, in trading sessions (the config and --horizon). Apart
 * from config.ts so that the command line's flags load without the config's schemas.
 */
export const HORIZON_RANGE = { min: 1, max: 60 } as const;
