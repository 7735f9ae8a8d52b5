/** How well a data plane expresses a feature. */
export enum SupportLevel {
  /** In the data plane's own API. */
  NATIVE = 'native',
  /** Only in an opt-in channel of the API (Gateway API experimental channel). */
  EXPERIMENTAL = 'experimental',
  /** Through an implementation-specific policy object. */
  IMPLEMENTATION_POLICY = 'implementation-policy',
  /** Not at all: using it fails the synth with an alternative. */
  UNSUPPORTED = 'unsupported',
}
