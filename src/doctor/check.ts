/** One line of mlx doctor: what was checked, whether it is healthy, and what to do if not. */
export interface Check {
  name: string;
  ok: boolean;
  detail: string;
  hint?: string;
}
