export * from './auth-cache';
export * from './data-changes';
export * from './service';
export * from './tokens';
export * from './validation';
