export const handler = async (): Promise<unknown> => ({});
