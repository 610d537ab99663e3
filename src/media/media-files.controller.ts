import { Controller, Get, Headers, Param, RequestMethod, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../common/decorators/public.decorator';
import { MediaFileAnswer, MediaFilesService } from './media-files.service';

/** `GET /media/{key}` is served outside the `/api` prefix: createApp excludes this route from it. */
export const MEDIA_FILES_ROUTE = { path: 'media/:key', method: RequestMethod.GET };

/**
 * The stored images, public: an `<image src>` cannot send a token. Left out of the OpenAPI
 * document of the JSON API (it answers image bytes, outside `/api`); docs/media.md describes it.
 */
@ApiExcludeController()
@Controller('media')
export class MediaFilesController {
  constructor(private readonly files: MediaFilesService) {}

  @Get(':key')
  @Public()
  async file(@Param('key') key: string, @Headers('if-none-match') ifNoneMatch: string | undefined, @Res() reply: FastifyReply): Promise<void> {
    send(reply, await this.files.open(key, ifNoneMatch));
  }
}

function send(reply: FastifyReply, answer: MediaFileAnswer): void {
  reply.status(answer.status).headers(answer.headers).send(answer.body);
}
