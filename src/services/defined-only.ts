/**
 * Drops keys whose value is undefined. Validated DTOs carry every declared property (undefined
 * when absent), so spreading one over a stored row would erase the fields the client left out.
 */
export function definedOnly<T extends object>(input: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(input).filter(([, value]) => value !== undefined),
  ) as Partial<T>;
}
