/**
 * `derive`, remembered for the last `maxEntries` inputs (all forgotten at once when full): for pure functions of a
 * string whose inputs repeat, such as a client's credentials sent with every request.
 */
export function remembered(derive: (input: string) => string, maxEntries = 10_000): (input: string) => string {
  const values = new Map<string, string>();
  return (input) => {
    let value = values.get(input);
    if (value === undefined) {
      value = derive(input);
      if (values.size >= maxEntries) values.clear();
      values.set(input, value);
    }
    return value;
  };
}
