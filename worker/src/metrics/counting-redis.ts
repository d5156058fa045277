/**
 * @module worker/metrics/counting-redis
 * An ioredis client that reports every command it writes to the socket, labelled by the
 * connection's role, and whose duplicates do the same: BullMQ duplicates the client it is given
 * (its worker's own connection and the blocking one), and those commands must be counted too.
 */
import { Redis, type RedisOptions } from 'ioredis';

/** Called once per command written (a resend after a reconnect is written, and counted, again). */
export type CommandListener = (role: string) => void;

export interface CountingOptions {
  /** Label of this client's commands, e.g. `broker` or `results`. */
  role: string;
  onCommand: CommandListener;
  /**
   * Role of a duplicate. By default a duplicate given a `connectionName` is `blocking` (BullMQ
   * names the blocking connection it makes for a worker) and an unnamed one keeps this role.
   */
  duplicateRole?: (override: Partial<RedisOptions> | undefined, role: string) => string;
}

const defaultDuplicateRole = (override: Partial<RedisOptions> | undefined, role: string) => (override?.connectionName ? 'blocking' : role);

type SendCommand = Redis['sendCommand'];

export class CountingRedis extends Redis {
  readonly commandRole: string;
  // A plain field, not #private: ioredis may call sendCommand before a subclass field exists.
  private readonly commandCounting: CountingOptions | undefined;

  constructor(url: string, options: RedisOptions, counting: CountingOptions);
  constructor(options: RedisOptions, counting: CountingOptions);
  constructor(urlOrOptions: string | RedisOptions, optionsOrCounting: RedisOptions | CountingOptions, maybeCounting?: CountingOptions) {
    if (typeof urlOrOptions === 'string') super(urlOrOptions, optionsOrCounting as RedisOptions);
    else super(urlOrOptions);
    const counting = (maybeCounting ?? optionsOrCounting) as CountingOptions;
    this.commandRole = counting.role;
    this.commandCounting = counting;
  }

  override sendCommand(...args: Parameters<SendCommand>): ReturnType<SendCommand> {
    const [command] = args;
    const result = super.sendCommand(...args);
    // Only a command that went onto the socket joins the reply queue; one parked in the offline
    // queue comes back through here when the connection is ready, and is counted then.
    if (this.commandQueue.peekBack()?.command === command) this.commandCounting?.onCommand(this.commandRole);
    return result;
  }

  override duplicate(override?: Partial<RedisOptions>): Redis {
    const counting = this.commandCounting!;
    const { duplicateRole = defaultDuplicateRole } = counting;
    return new CountingRedis({ ...this.options, ...override }, { ...counting, role: duplicateRole(override, this.commandRole) });
  }
}
