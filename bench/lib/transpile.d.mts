/** TypeScript -> JavaScript (ES module) for the benchmark's own sources. */
export function transpile(source: string, fileName: string): string;
