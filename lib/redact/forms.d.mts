// Types for forms.mjs (plain JavaScript so the dependency-free CLI can import it too).
export declare function redactionForms(value: string): string[];
export declare class StreamRedactor {
  constructor(secrets: { label: string; value: string }[]);
  write(chunk: Buffer): Buffer;
  end(): Buffer;
}
