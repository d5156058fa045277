/**
 * @module test/support/edge-env
 * The edge's bindings for the Node programs that build the edge app in Node (the OpenAPI lint
 * and client generation): `wrangler types` writes the real `Env` for the workerd program only
 * (edge/worker-configuration.d.ts); every binding is a string var or secret.
 */
interface Env { [binding: string]: string }
