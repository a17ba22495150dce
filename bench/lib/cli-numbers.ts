/** Option parsers shared by the bench's command-line entry points. */
import { InvalidArgumentError } from "commander";

/** A parser of a positive whole number for option `name`, refusing anything else by name. */
export const whole =
  (name: string) =>
  (raw: string): number => {
    if (!/^[1-9]\d*$/.test(raw.trim()))
      throw new InvalidArgumentError(`${name} must be a positive whole number`);
    return Number(raw);
  };
