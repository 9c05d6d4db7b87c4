export * from './service';
export * from './tokens';
export * from './validation';
