// Types of the stand-in; the frameworks ship their own .d.ts for the real package's API.
export declare class CryptoUnavailableError extends Error {
  readonly code: 'E2EE_UNAVAILABLE';
}
export declare const available: false;
