/**
 * Argument checks for the compiled backends. The C kernels trust their sizes: a short array would read or write past
 * its end, silently corrupting a neighbouring buffer in WebAssembly memory or crashing the process natively. One
 * comparison per array is cheap next to any kernel worth calling.
 */
export function requireLength(kernel: string, name: string, array: Float32Array, needed: number): void {
  if (array.length < needed) {
    throw new RangeError(`${kernel}: '${name}' must hold at least ${needed} elements for the sizes given. Got ${array.length} instead.`);
  }
}

export function requireSize(kernel: string, name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0 || value > 0x7fffffff) {
    throw new RangeError(`${kernel}: '${name}' must be a non-negative 32-bit integer. Got ${value} instead.`);
  }
}
