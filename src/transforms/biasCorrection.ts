/**
 * Adam's bias correction `1 - β^t`, computed in doubles from the integer step `t` (first step:
 * t = 1), exactly as torch's single-tensor code does; tfjs instead keeps a running product
 * `β^t` in a float32 variable, which drifts from torch.
 */
export function biasCorrection(beta: number, step: number): number {
  return 1 - beta ** step;
}
