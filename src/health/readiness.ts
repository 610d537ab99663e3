import { Injectable } from '@nestjs/common';

/**
 * Whether this instance should be sent traffic. Set to draining the moment the process is
 * asked to stop (main.ts, on SIGTERM, before it closes the server), so `/api/health/ready`
 * answers 503 and a load balancer stops sending new requests while in-flight ones finish.
 */
@Injectable()
export class Readiness {
  private isDraining = false;

  drain(): void {
    this.isDraining = true;
  }

  get draining(): boolean {
    return this.isDraining;
  }
}
