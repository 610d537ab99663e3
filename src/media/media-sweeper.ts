import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { CLOCK, Clock } from '../common/clock';
import { MediaRepository } from './media.repository';
import { MediaService } from './media.service';

/** An upload nothing refers to this long after it was made is deleted. */
export const UNUSED_MEDIA_TTL_MS = 24 * 60 * 60 * 1000;
/** How often each instance sweeps; instances skip each other's locked rows, so several can run at once. */
const SWEEP_INTERVAL_MS = 15 * 60 * 1000;
const BATCH = 100;
/** Bounds one sweep, so rows that cannot be deleted now (a store that is down) cannot keep it looping. */
const MAX_BATCHES = 50;

export interface SweepResult {
  /** Uploads deleted because nothing referred to them 24 h after upload. */
  unused: number;
  /** Released media deleted because nothing refers to them any more. */
  released: number;
}

/**
 * Deletes media nothing refers to: uploads never used, 24 h after upload, and media whose
 * last reference went (normally freed at once by MediaService.free(); the sweep catches
 * those a crash or a failed file deletion left behind). Runs every 15 minutes in each instance.
 */
@Injectable()
export class MediaSweeper implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('MediaSweeper');
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<SweepResult> | null = null;

  constructor(
    private readonly media: MediaRepository,
    private readonly service: MediaService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.sweep().catch((err: Error) => this.logger.error(`Media sweep failed: ${err.message}`));
    }, SWEEP_INTERVAL_MS);
    // The timer alone never keeps the process alive.
    this.timer.unref();
  }

  /** Let a sweep in progress finish before the database pool closes. */
  async beforeApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }

  /** One sweep (a second call while one runs joins it). */
  sweep(): Promise<SweepResult> {
    this.running ??= this.sweepOnce().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async sweepOnce(): Promise<SweepResult> {
    const cutoff = new Date(this.clock.now() - UNUSED_MEDIA_TTL_MS);
    const unused = await this.drain(() => this.media.findUnusedBefore(cutoff, BATCH));
    const released = await this.drain(() => this.media.findReleased(BATCH));
    if (unused + released > 0) this.logger.log(`Media sweep deleted ${unused} unused and ${released} released media`);
    return { unused, released };
  }

  private async drain(next: () => Promise<string[]>): Promise<number> {
    let deleted = 0;
    for (let batch = 0; batch < MAX_BATCHES; batch++) {
      const ids = await next();
      if (ids.length === 0) break;
      const freed = await this.service.free(ids);
      deleted += freed;
      // Nothing in this batch could go (locked, still referenced, store failing): try again next sweep.
      if (freed === 0) break;
    }
    return deleted;
  }
}
