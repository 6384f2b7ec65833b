/** The extension's identifier in `capabilities.extensions` (SEP-2663). */
export const TASKS_EXT = 'io.modelcontextprotocol/tasks';

/** `data` of the -32021 error that names the missing client capability. */
export const TASKS_REQUIRED = { requiredCapabilities: { extensions: { [TASKS_EXT]: {} } } } as const;
