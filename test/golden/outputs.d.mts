export declare const GOLDEN_OUTPUTS: readonly { file: string; args: readonly string[]; status: number }[];
