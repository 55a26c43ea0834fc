// Driving the data model and the switches from outside: client writes, a volume's write
// sequence, the switches (A1/A3/A4/A5, region outage) and the timings. Shared by the admin
// routes and the RunningSimulator handle, so both validate the same way.
import { z } from 'zod';
import { SIM_REGIONS, type SimQuirks, type SimSwitches, type SimVolumeData, type SimWriteOptions } from './contract.ts';
import { volumeData, writeVolume } from './client-writes.ts';
import { SimulatorConfigError } from './data-file.ts';
import { badRequest, notFound } from './envelope.ts';
import { isRegion, type SimTiming, type SimVolume, type SimWorld } from './model.ts';
import { definedOnly, TimingSchema } from './state-file.ts';
import { applyQuirks, parseQuirks } from './quirks.ts';
import { applySwitches, parseSwitches } from './switches.ts';
import { checkWith } from './validation.ts';

const WriteOptionsSchema = z.strictObject({
  region: z.string().trim().min(1).optional(),
  count: z.number().int().min(1).max(1_000_000).optional(),
  gb: z.number().min(0).optional(),
});

/** Validates `value` under `root` so messages read "<source>: <root>.<field> …". */
function check<S extends z.ZodType>(schema: S, root: string, value: unknown, source: string): z.output<S> {
  const checked = checkWith(z.strictObject({ [root]: schema }), { [root]: value });
  if (!checked.ok) throw new SimulatorConfigError(`${source}: ${checked.message}`);
  return (checked.value as Record<string, z.output<S>>)[root]!;
}

export function parseTiming(value: unknown, source: string): Partial<SimTiming> {
  return definedOnly(check(TimingSchema, 'timing', value ?? {}, source));
}

export class ModelAdmin {
  private readonly initialSwitches: SimSwitches;
  private readonly initialQuirks: SimQuirks;

  constructor(private readonly world: SimWorld) {
    this.initialSwitches = world.switches;
    this.initialQuirks = world.quirks;
  }

  quirks(): SimQuirks {
    return structuredClone(this.world.quirks);
  }

  /** Validates and applies a change of quirks (only the fields it names; `true`/`false` for all). */
  setQuirks(value: unknown, source = 'quirks'): SimQuirks {
    this.world.quirks = applyQuirks(this.world.quirks, parseQuirks(value, source));
    return this.quirks();
  }

  /** Back to the quirks the simulator started with (state file + options). */
  resetQuirks(): SimQuirks {
    this.world.quirks = this.initialQuirks;
    return this.quirks();
  }

  switches(): SimSwitches {
    return structuredClone(this.world.switches);
  }

  /** Validates and applies a change (only the fields it names). */
  setSwitches(value: unknown, source = 'switches'): SimSwitches {
    this.world.switches = applySwitches(this.world.switches, parseSwitches(value, source));
    return this.switches();
  }

  /** Back to the switches the simulator started with (defaults + state file + options). */
  resetSwitches(): SimSwitches {
    this.world.switches = this.initialSwitches;
    return this.switches();
  }

  timing(): SimTiming {
    return { ...this.world.timing };
  }

  /** Changes durations; steps already under way keep the durations they started with. */
  setTiming(value: unknown, source = 'timing'): SimTiming {
    Object.assign(this.world.timing, parseTiming(value, source));
    return this.timing();
  }

  volumes(): SimVolumeData[] {
    return SIM_REGIONS.flatMap((r) => [...this.world.volumes[r].values()]).map((v) => volumeData(this.world, v));
  }

  volumeData(volumeId: string, region?: string): SimVolumeData {
    return volumeData(this.world, this.find(volumeId, region));
  }

  /** Client writes; throws WriteRefused on a volume clients cannot write to. */
  write(volumeId: string, options: unknown, source = 'writes'): SimVolumeData {
    const opts: SimWriteOptions = check(WriteOptionsSchema, 'writes', options ?? {}, source);
    return writeVolume(this.world, this.find(volumeId, opts.region), opts.count ?? 1, opts.gb ?? 0);
  }

  /** By id in one region, or in whichever region has it. */
  private find(volumeId: string, region: string | undefined): SimVolume {
    if (region !== undefined) {
      const upper = region.toUpperCase();
      if (!isRegion(upper)) throw badRequest(`region must be one of ${SIM_REGIONS.join(', ')} (got "${region}")`);
      return this.world.volume(upper, volumeId);
    }
    const found = SIM_REGIONS.map((r) => this.world.volumes[r].get(volumeId)).filter((v): v is SimVolume => v !== undefined);
    if (found.length === 0) throw notFound(`Volume ${volumeId} not found in ${SIM_REGIONS.join(' or ')}`);
    if (found.length > 1) throw badRequest(`Volume id ${volumeId} exists in ${found.map((v) => v.region).join(' and ')}; name the region`);
    return found[0]!;
  }
}
