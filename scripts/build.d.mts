export declare const ROOT: string;
export declare const BUNDLE: string;
/** Bundles `entry` (the CLI by default) into `outfile`, as the tracker runs in production. */
export declare function buildBundle(entry?: string, outfile?: string): Promise<void>;
