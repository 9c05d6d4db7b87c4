export * from './envelope';
export * from './keyring';
export { MasterKey, MASTER_KEY_BYTES } from './master-key';
export * from './mask';
export * from './rewrap';
