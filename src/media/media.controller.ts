import { Controller, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../common/auth-user';
import { CurrentUser } from '../common/decorators/current-user.decorator';
import { ApiErrors } from '../openapi/api-errors.decorator';
import { MediaResponse } from './dto/media.response';
import { MEDIA_PURPOSES } from './entities/media.entity';
import { MediaService } from './media.service';
import { ImageUploadRoute, MultipartUpload, UploadedMultipart } from './multipart-upload';

/** The error answers of every image upload route (phase 2's avatar route lists them too). */
export const IMAGE_UPLOAD_ERRORS = {
  400: ['MEDIA_FILE_MISSING', 'MEDIA_UPLOAD_INVALID'],
  413: ['PAYLOAD_TOO_LARGE'],
  415: ['MEDIA_TYPE_UNSUPPORTED'],
  422: ['MEDIA_UNREADABLE', 'MEDIA_TOO_LARGE_IMAGE'],
  429: ['RATE_LIMITED'],
  503: ['MEDIA_STORAGE_UNAVAILABLE'],
};

@ApiTags('media')
@ApiBearerAuth()
@Controller('media')
export class MediaController {
  constructor(private readonly media: MediaService) {}

  @Post()
  @ApiOperation({
    summary: 'Upload an image (multipart `file` and `purpose`)',
    description: 'For a two-step flow: upload, then put the answer\'s `url` on the profile (`avatarUrl`) or on goods (`imageUrl`, `images`). Unused uploads are deleted after 24 h.',
  })
  @ImageUploadRoute({ purpose: { type: 'string', enum: [...MEDIA_PURPOSES], description: '`avatar` (anyone signed in) or `goods` (staff, admin)' } })
  @ApiErrors({ ...IMAGE_UPLOAD_ERRORS, 400: [...IMAGE_UPLOAD_ERRORS[400], 'MEDIA_PURPOSE_INVALID'], 403: ['ROLE_FORBIDDEN'] })
  @ApiCreatedResponse({ type: MediaResponse, description: 'The image, re-encoded; its `url` is public' })
  upload(@CurrentUser() user: AuthUser, @UploadedMultipart() upload: MultipartUpload): Promise<MediaResponse> {
    return this.media.create(user, upload);
  }
}
