export const pluginId = 'zero-trust';
