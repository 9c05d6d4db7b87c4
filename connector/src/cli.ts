import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from './config';
import { openStore } from './services';
import { runOrgCommand } from './cli/org-commands';
import { runMasterKeyCommand } from './cli/master-key-commands';

const USAGE = `Usage: keyroute <command> [options]

Org commands (run on a machine whose environment points at the connector's store):
  orgs add --salesforce-org-id 00D... --name "Acme"   Registers an org and prints its token once.
  orgs list                                             Lists registered orgs (never tokens).
  orgs rotate-token --salesforce-org-id 00D...          Revokes the org's tokens and prints a new one.
  orgs remove --salesforce-org-id 00D... --yes          Removes the org with its keys, settings and logs.

Master-key commands:
  master-key status                                     Shows the active version and how many keys each version wraps.
  master-key rotate                                     Adds a new master key to the key file and rewraps every data key.
                                                        (Only for the key file in KEYROUTE_DATA_DIR.)
  master-key rewrap                                     Rewraps every data key with the active master key, for example
                                                        after adding a version to KEYROUTE_MASTER_KEYS.

Options:
  --json      Print machine-readable JSON instead of text.
  --help      Show this help.

Configuration comes from the same environment variables as the connector (see README).`;

/** Parses the command line and runs one command against the configured store. */
async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'salesforce-org-id': { type: 'string' },
      name: { type: 'string' },
      yes: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });

  const [group, command, ...extra] = positionals;
  if (values.help || !group) {
    process.stdout.write(`${USAGE}\n`);
    return values.help ? 0 : 2;
  }

  const subcommands: Record<string, string[]> = {
    orgs: ['add', 'list', 'rotate-token', 'remove'],
    'master-key': ['status', 'rotate', 'rewrap'],
  };
  const known = subcommands[group];
  if (known === undefined) {
    process.stderr.write(`keyroute: unknown command "${group}". Expected orgs or master-key; run "keyroute --help".\n`);
    return 2;
  }
  if (command === undefined || !known.includes(command)) {
    const what = command === undefined ? `missing ${group} command` : `unknown ${group} command "${command}"`;
    process.stderr.write(`keyroute: ${what}. Expected ${known.join(', ')}.\n`);
    return 2;
  }
  if (extra.length > 0) {
    process.stderr.write(`keyroute: unexpected argument "${extra[0]}". Options start with --; run "keyroute --help".\n`);
    return 2;
  }

  // Only now touch the store: a usage error must not create a key file or run migrations.
  const config = loadConfig();
  const store = await openStore(config);
  try {
    if (group === 'orgs') {
      return await runOrgCommand(store, command, values);
    }
    return await runMasterKeyCommand(store, command, values);
  } finally {
    await store.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof ConfigError) {
      process.stderr.write(`keyroute: ${error.message}\n`);
    } else if (error instanceof Error && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')) {
      // parseArgs's own text mentions positional arguments after "--", which confuses more than it helps.
      const option = /'(-[^']*)'/.exec(error.message)?.[1];
      const problem = option === undefined ? error.message : `unknown or incomplete option "${option}"`;
      process.stderr.write(`keyroute: ${problem}. Run "keyroute --help" for the options.\n`);
      process.exitCode = 2;
      return;
    } else {
      process.stderr.write(`keyroute: ${error instanceof Error ? error.message : String(error)}\n`);
    }
    process.exitCode = 1;
  },
);
