/**
 * The framework's floor (`npm run bench -- --nest-floor`): the baseline's own work
 * (`BaselineWork`: the same token check, SQL and JSON) served by bare Nest on Fastify — one
 * controller and one exception filter, none of the app's guards, pipes, hooks, request log,
 * security headers or memory settings. Measured against the `node:http` baseline it is what
 * Nest and Fastify cost by themselves: the part of the app's ratio that no change inside the
 * app can win back (docs/performance.md, "The framework's floor").
 *
 * Run as a child of bench/run.ts, like the baseline: settings in one IPC message, its port out.
 */
import 'reflect-metadata';
import { ArgumentsHost, Body, Catch, Controller, ExceptionFilter, Get, Headers, HttpCode, HttpException, Inject, Module, Param, Patch, Post, Req } from '@nestjs/common';
import { APP_FILTER, NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AddressInfo } from 'node:net';
import { requestIdOf } from '../src/logging/request-id';
import { BaselineSettings, BaselineWork, errorAnswer, splitUrl } from './baseline-server';

@Controller('api')
class FloorController {
  constructor(@Inject(BaselineWork) private readonly work: BaselineWork) {}

  @Get('goods/:id')
  async byId(@Headers('authorization') authorization: string | undefined, @Param('id') id: string): Promise<object> {
    await this.work.authenticate(authorization);
    return this.work.get(id);
  }

  @Get('goods')
  async list(@Headers('authorization') authorization: string | undefined, @Req() req: FastifyRequest): Promise<object> {
    await this.work.authenticate(authorization);
    return this.work.list(new URLSearchParams(splitUrl(req.raw.url ?? '').search));
  }

  @Patch('goods/:id')
  async patch(@Headers('authorization') authorization: string | undefined, @Param('id') id: string, @Body() body: unknown, @Req() req: FastifyRequest): Promise<object> {
    const principal = await this.work.authenticate(authorization);
    return this.work.patchAs(principal, id, body, requestIdOf(req.raw));
  }

  @Post('auth/wechat/login')
  @HttpCode(200)
  login(@Body() body: unknown, @Headers('user-agent') userAgent: string | undefined): Promise<object> {
    return this.work.login(body, userAgent);
  }
}

/** The baseline's error answers; Nest's own (an unknown route, a malformed body) as Nest writes them. */
@Catch()
class FloorFilter implements ExceptionFilter {
  catch(err: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    if (err instanceof HttpException) {
      void reply.status(err.getStatus()).send(err.getResponse());
      return;
    }
    const { status, body } = errorAnswer(err);
    void reply.status(status).send(body);
  }
}

export async function startNestFloor(settings: BaselineSettings): Promise<{ port: number; close: () => Promise<void> }> {
  const work = new BaselineWork(settings);
  @Module({ controllers: [FloorController], providers: [{ provide: BaselineWork, useValue: work }, { provide: APP_FILTER, useClass: FloorFilter }] })
  class FloorModule {}
  const app = await NestFactory.create<NestFastifyApplication>(FloorModule, new FastifyAdapter(), { logger: false });
  await app.listen(0, '127.0.0.1');
  const port = (app.getHttpServer().address() as AddressInfo).port;
  return {
    port,
    close: async () => {
      await app.close();
      await work.close();
    },
  };
}

if (require.main === module && process.send) {
  process.once('message', (settings: BaselineSettings) => {
    startNestFloor(settings).then(
      (server) => {
        process.send!({ port: server.port });
        process.once('SIGTERM', () => {
          server.close().finally(() => process.exit(0));
        });
      },
      (err: Error) => {
        process.stderr.write(`Nest floor failed to start: ${err.message}\n`);
        process.exit(1);
      },
    );
  });
}
