import type { UpstreamContract } from './contracts';

/*
 * Helpers the data planes' contract files (`<data plane>-contracts.ts`) build their rows with. Internal: not
 * exported from the package.
 */

/** Where a contract's behaviour is defined: an upstream repository, a release tag and a path. */
export interface UpstreamSource {
  readonly repository: string;
  readonly tag: string;
  readonly path: string;
}

/** The files of one upstream release: `release('envoyproxy/gateway', 'v1.8.1')('api/v1alpha1/retry_types.go')`. */
export function upstreamRelease(repository: string, tag: string): (path: string) => UpstreamSource {
  return path => ({ repository, tag, path });
}

/**
 * Makes the contract rows of one data plane whose tests live in `testFile`: a row's `test` is a title in that file,
 * or `'<file> > <title>'` for a test in another file. @internal
 */
export function contractRows(testFile: string): (renders: string, behaviour: string, source: UpstreamSource, test: string) => UpstreamContract {
  return (renders, behaviour, source, test) => ({ renders, behaviour, ...source, test: test.includes('.test.ts > ') ? test : `${testFile} > ${test}` });
}
