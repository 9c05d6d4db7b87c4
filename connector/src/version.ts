/** The connector's version, reported in the OpenAPI document and at start-up. */
export const CONNECTOR_VERSION = '0.1.0';
