/**
 * Types of api.js, the wxmall-api client kit (see docs/miniprogram.md). Copy it beside api.js.
 *
 * The request and response types come from the server's OpenAPI document: the part between
 * the GENERATED marks below is rewritten by `npm run miniprogram:types`, and a test fails
 * when it no longer matches the document the server serves. The rest is written by hand.
 */

type Schemas = components['schemas'];
type JsonBody<Op> = Op extends { requestBody?: { content: { 'application/json': infer B } } } ? B : never;

export type User = Schemas['UserResponse'];
export type TokenPair = Schemas['TokenPairResponse'];
export type Goods = Schemas['GoodsResponse'];
export type GoodsPage = Schemas['GoodsListResponse'];
/** Filters, ordering and paging of GET /api/goods; follow `nextCursor` by passing it back as `cursor`. */
export type GoodsQuery = NonNullable<paths['/api/goods']['get']['parameters']['query']>;
/** What PATCH/PUT /api/users/me accept: any editable field; `null` clears it. */
export type ProfilePatch = JsonBody<paths['/api/users/me']['put']>;

/** The kit's own codes, beside the server's (`WECHAT_CODE_USED`, `USER_DISABLED`, …). */
export type KitErrorCode = 'NETWORK_ERROR' | 'WX_LOGIN_FAILED' | 'USER_DENIED' | 'NOT_LOGGED_IN' | 'SESSION_KEY_STALE';

/** Every failure of the kit. */
export declare class ApiError extends Error {
  readonly name: 'ApiError';
  /** The HTTP status; 0 when no answer came (network) or the kit decided before sending. */
  statusCode: number;
  /** The server's stable `code` (act on it, never on `message`), one of KitErrorCode, or `HTTP_<status>` for a body without one. */
  code: string;
  /** X-Request-Id of the request: quote it when reporting a problem, the server's logs carry it. */
  requestId: string | null;
  /** Seconds the server asked to wait (Retry-After), when it said so. */
  retryAfter: number | null;
  /** SESSION_KEY_STALE: the kit logged in again; ask WeChat for fresh encrypted data and call again. */
  needsFreshData: boolean;
  /** The list of validation messages of a 400, when the server sent one. */
  messages: string[] | null;
}

type Callbacks<T> = { success?: (res: T) => void; fail?: (err: { errMsg: string }) => void; complete?: (res: unknown) => void };

/** The part of the mini program's `wx` the kit uses. */
export interface WxApi {
  login(options: Callbacks<{ code: string; errMsg: string }>): unknown;
  checkSession(options: Callbacks<{ errMsg: string }>): unknown;
  request(options: {
    url: string;
    method?: string;
    data?: unknown;
    header?: Record<string, string>;
    timeout?: number;
    dataType?: string;
  } & Callbacks<{ data: unknown; statusCode: number; header: Record<string, string> }>): unknown;
  uploadFile(options: {
    url: string;
    filePath: string;
    name: string;
    formData?: Record<string, unknown>;
    header?: Record<string, string>;
    timeout?: number;
  } & Callbacks<{ data: string; statusCode: number }>): unknown;
  getStorageSync(key: string): any;
  setStorageSync(key: string, value: unknown): void;
  removeStorageSync(key: string): void;
}

export interface ApiOptions {
  /** Where the API is, without `/api`: 'https://api.example.com'. */
  baseUrl: string;
  /** The mini program's `wx`. */
  wx: WxApi;
  /** Storage key of the token pair (default 'wxmall.auth'); the refresh lease uses `<key>.refreshing`. */
  storageKey?: string;
  /** Per request, in ms (default 15000). */
  timeout?: number;
  /** Log in (silently, with wx.login) when a call finds no pair (default true). */
  autoLogin?: boolean;
  /**
   * Back-off for RATE_LIMITED, WECHAT_RATE_LIMITED and WECHAT_UNAVAILABLE: `attempts` tries in all
   * (default 3), exponential from `baseDelayMs` (500) and never sooner than Retry-After; a wait
   * longer than `maxDelayMs` (60000) is left to the caller (the error carries `retryAfter`).
   */
  retry?: { attempts?: number; baseDelayMs?: number; maxDelayMs?: number };
  /** How long to wait for another copy of the kit (or another refresher) to store its new pair (default 15000 ms). */
  refreshWaitMs?: number;
}

export interface RequestOptions {
  /** A path under baseUrl ('/api/goods') or an absolute URL. */
  url: string;
  /** wx.request has no PATCH. */
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'HEAD' | 'OPTIONS';
  /** The JSON body, or the query of a GET (null and undefined values are left out). */
  data?: unknown;
  header?: Record<string, string>;
  timeout?: number;
}

export interface UploadOptions {
  url: string;
  /** A temporary file path from WeChat (chooseAvatar, chooseMedia). */
  filePath: string;
  /** The multipart field of the file (default 'file'). */
  name?: string;
  formData?: Record<string, string>;
  header?: Record<string, string>;
  timeout?: number;
}

/** `e.detail` of `<button open-type="getPhoneNumber">`. */
export interface PhoneNumberDetail {
  errMsg?: string;
  code?: string;
  encryptedData?: string;
  iv?: string;
}

/** encryptedData and iv (with rawData and signature when WeChat gives them) of the user's profile. */
export interface OpenDataDetail {
  errMsg?: string;
  encryptedData?: string;
  iv?: string;
  rawData?: string;
  signature?: string;
}

export interface Api {
  /** wx.login → POST /api/auth/wechat/login → the pair in storage. Calls made meanwhile share one. */
  login(): Promise<TokenPair>;
  /** Logs in unless a pair is stored and wx.checkSession says WeChat's session is valid. */
  ensureSession(): Promise<void>;
  isLoggedIn(): boolean;
  /** Any call with the bearer token and the kit's refresh and retry rules; resolves with the answer's body. */
  request<T = unknown>(options: RequestOptions): Promise<T>;
  /** wx.uploadFile with the same rules; the answer's JSON body, parsed. */
  upload<T = unknown>(options: UploadOptions): Promise<T>;
  getMe(): Promise<User>;
  /** PUT /api/users/me (the server's PATCH, which wx.request cannot send). */
  updateMe(patch: ProfilePatch): Promise<User>;
  /** The temp file of `<button open-type="chooseAvatar">` → the User with its new avatarUrl. */
  uploadAvatar(tempFilePath: string): Promise<User>;
  /** Either phone flow; a refusal rejects with USER_DENIED without calling the server. */
  bindPhone(detail: PhoneNumberDetail): Promise<User>;
  /** Fills the profile from WeChat's encrypted user data. */
  decryptProfile(detail: OpenDataDetail): Promise<User>;
  listGoods(query?: GoodsQuery): Promise<GoodsPage>;
  getGoods(id: string): Promise<Goods>;
  /** Forgets the pair at once, then revokes the session at the server. */
  logout(): Promise<void>;
}

export declare function createApi(options: ApiOptions): Api;
export declare const version: string;

// ---- BEGIN GENERATED from the OpenAPI document by `npm run miniprogram:types`; do not edit by hand ----
export interface paths {
    "/api/users/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Read my profile */
        get: operations["MeController_me"];
        /** Update my profile (PUT, for wx.request, which cannot send PATCH) */
        put: operations["MeController_updateFromMiniProgram"];
        post?: never;
        /**
         * Erase my account
         * @description The last enabled admin cannot erase itself (409 LAST_ADMIN).
         */
        delete: operations["MeController_erase"];
        options?: never;
        head?: never;
        /**
         * Change my profile
         * @description Only the fields sent change; `null` clears a field.
         */
        patch: operations["MeController_update"];
        trace?: never;
    };
    "/api/users/me/avatar": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Upload my avatar (multipart field `file`, as wx.uploadFile sends it)
         * @description JPEG, PNG, WebP or GIF, re-encoded without metadata, longest side 640 px. The avatar it replaces is deleted unless something else uses it.
         */
        post: operations["MeController_avatar"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/users/me/wechat-profile": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Fill my profile from WeChat encrypted user data */
        post: operations["MeController_wechatProfile"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/users/me/phone": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Bind my phone number
         * @description Either `{code}` of a getPhoneNumber button or `{encryptedData, iv}` of the older flow.
         */
        post: operations["MeController_phone"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/users": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List users (admin) */
        get: operations["UserAccountsController_list"];
        put?: never;
        /** Create a staff or admin account (admin) */
        post: operations["UserAccountsController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/users/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /** Change a user's role or disable it (admin) */
        patch: operations["UserAccountsController_update"];
        trace?: never;
    };
    "/api/auth/wechat/login": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Log in with a wx.login() code
         * @description Creates the user on first login. Answers a TokenPair.
         */
        post: operations["AuthController_wechatLogin"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/token": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Log a staff or admin account in with username and password */
        post: operations["AuthController_passwordLogin"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/refresh": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Trade a refresh token for a new TokenPair
         * @description Refresh tokens are single use: presenting a spent one again revokes the session (REFRESH_TOKEN_REUSED).
         */
        post: operations["AuthController_refresh"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/verify": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Check an access token */
        post: operations["AuthController_verify"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/logout": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** End the session of a refresh token */
        post: operations["AuthController_logout"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/goods": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List goods
         * @description Filtered and ordered; by page (at most 10,000 rows deep) or by cursor (`nextCursor`, any depth).
         */
        get: operations["GoodsController_list"];
        put?: never;
        /** Create a product (staff, admin) */
        post: operations["GoodsController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/goods/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get one product */
        get: operations["GoodsController_get"];
        put?: never;
        post?: never;
        /** Delete a product (staff, admin) */
        delete: operations["GoodsController_remove"];
        options?: never;
        head?: never;
        /**
         * Change a product (staff, admin)
         * @description Only the fields sent change; `null` clears a nullable field. With `version`, a stale copy is refused (409).
         */
        patch: operations["GoodsController_update"];
        trace?: never;
    };
    "/api/health/live": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Liveness: the process is up (no dependency is checked) */
        get: operations["HealthController_live"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/health/ready": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Readiness: the database answers, the schema is current, the instance is not shutting down */
        get: operations["HealthController_ready"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Readiness (the same as /api/health/ready) */
        get: operations["HealthController_check"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/audit": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Read the audit log (admin)
         * @description Every staff write (goods create/update/delete, account create, role change, disable/enable), newest first; filters and cursor paging.
         */
        get: operations["AuditController_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/media": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Upload an image (multipart `file` and `purpose`)
         * @description For a two-step flow: upload, then put the answer's `url` on the profile (`avatarUrl`) or on goods (`imageUrl`, `images`). Unused uploads are deleted after 24 h.
         */
        post: operations["MediaController_upload"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        UserResponse: {
            /** Format: uuid */
            id: string;
            openid: string | null;
            unionid: string | null;
            /** @enum {string} */
            role: "user" | "staff" | "admin";
            disabled: boolean;
            username: string | null;
            name: string | null;
            nickname: string | null;
            avatarUrl: string | null;
            email: string | null;
            phone: string | null;
            /**
             * Format: date
             * @example 1990-05-17
             */
            birthday: string | null;
            /** @enum {string} */
            gender: "unknown" | "male" | "female";
            address: string | null;
            signature: string | null;
            city: string | null;
            province: string | null;
            country: string | null;
            language: string | null;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
        };
        UpdateProfileDto: {
            name?: string | null;
            nickname?: string | null;
            /**
             * Format: uri
             * @description http(s) URL
             */
            avatarUrl?: string | null;
            /** Format: email */
            email?: string | null;
            /**
             * Format: date
             * @description YYYY-MM-DD, not after today in China
             * @example 1990-05-17
             */
            birthday?: string | null;
            /**
             * @description `null` clears it to `unknown`
             * @enum {string|null}
             */
            gender?: "unknown" | "male" | "female" | null;
            address?: string | null;
            signature?: string | null;
            city?: string | null;
            province?: string | null;
            country?: string | null;
            language?: string | null;
        };
        ErrorResponse: {
            /** @example 401 */
            statusCode: number;
            /**
             * @description Human-readable; a list of messages for validation errors. Do not parse it: use `code`.
             * @example The WeChat code was already used; call wx.login again
             */
            message: string | string[];
            /**
             * @description The HTTP reason phrase
             * @example Unauthorized
             */
            error: string;
            /**
             * @description Stable machine-readable code; the error responses of each operation list the codes it can answer.
             * @example WECHAT_CODE_USED
             */
            code?: string;
        };
        WechatProfileDto: {
            /** @description encryptedData from wx.getUserProfile / wx.getUserInfo (base64) */
            encryptedData: string;
            /** @description iv sent with encryptedData (base64 of 16 bytes: 24 characters) */
            iv: string;
            /** @description rawData as WeChat sent it; with `signature`, checked against sha1(rawData + session_key) */
            rawData?: string;
            /**
             * @description hex sha1 signature of rawData, sent with it
             * @example 75e81ceda165f4ffa64f4068af58c64b8f54b88c
             */
            signature?: string;
        };
        PhoneNumberDto: {
            /** @description e.detail.code of a getPhoneNumber button (one-time, 5 minutes) */
            code?: string;
            /** @description e.detail.encryptedData of the older getPhoneNumber flow (base64) */
            encryptedData?: string;
            /** @description e.detail.iv sent with encryptedData (base64) */
            iv?: string;
        };
        UserListResponse: {
            items: components["schemas"]["UserResponse"][];
            total: number;
            page: number;
            pageSize: number;
        };
        CreateAccountDto: {
            /** @example alice */
            username: string;
            /** Format: password */
            password: string;
            /** @enum {string} */
            role: "staff" | "admin";
            nickname?: string;
        };
        UpdateAccountDto: {
            /** @enum {string} */
            role?: "user" | "staff" | "admin";
            disabled?: boolean;
        };
        WechatUserInfoDto: {
            nickName?: string;
            /**
             * Format: uri
             * @description http(s) URL
             */
            avatarUrl?: string;
            /**
             * @description 0 unknown, 1 male, 2 female
             * @enum {integer}
             */
            gender?: 0 | 1 | 2;
            city?: string;
            province?: string;
            country?: string;
            language?: string;
            is_demote?: boolean;
        };
        WechatLoginDto: {
            /** @description The one-time code from wx.login() */
            code: string;
            userInfo?: components["schemas"]["WechatUserInfoDto"];
        };
        TokenPairResponse: {
            accessToken: string;
            /** @description Single use: each refresh spends it and returns a new one */
            refreshToken: string;
            /** @enum {string} */
            tokenType: "Bearer";
            /** @description Access token lifetime in seconds */
            expiresIn: number;
            user: components["schemas"]["UserResponse"];
            isNewUser: boolean;
        };
        PasswordLoginDto: {
            /** @example alice */
            username: string;
            /** Format: password */
            password: string;
        };
        RefreshTokenDto: {
            refreshToken: string;
        };
        VerifyTokenDto: {
            token: string;
        };
        VerifyTokenResponse: {
            /** @enum {boolean} */
            valid: true;
            /** Format: uuid */
            userId: string;
            /** @enum {string} */
            role: "user" | "staff" | "admin";
            /** @description Expiry, seconds since the epoch */
            exp: number;
        };
        GoodsResponse: {
            /** Format: uuid */
            id: string;
            name: string;
            description: string | null;
            /**
             * @description Yuan, at most 2 decimals
             * @example 39.9
             */
            price: number;
            stock: number;
            category: string | null;
            onSale: boolean;
            /** @description The cover */
            imageUrl: string | null;
            /** @description The gallery, 0–9 URLs in order ([] when none) */
            images: string[];
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
            /**
             * Format: uuid
             * @description user id
             */
            createdBy: string | null;
            /**
             * Format: uuid
             * @description user id
             */
            updatedBy: string | null;
            /** @description Starts at 1, grows by one on every change */
            version: number;
        };
        GoodsListResponse: {
            items: components["schemas"]["GoodsResponse"][];
            /** @description Exact up to 10000, else 10000 */
            total: number;
            totalExact: boolean;
            /** @description null in cursor mode */
            page: number | null;
            pageSize: number;
            /** @description Pass back as cursor for the next page; null on the last page */
            nextCursor: string | null;
        };
        CreateGoodsDto: {
            /** @example 红富士苹果 5kg */
            name: string;
            /**
             * @description Yuan, at most 2 decimals
             * @example 39.9
             */
            price: number;
            /** @description Omitted: 0 */
            stock?: number;
            /** @example 水果 */
            category?: string | null;
            /** @description Omitted: true */
            onSale?: boolean;
            description?: string | null;
            /**
             * Format: uri
             * @description http(s) URL
             */
            imageUrl?: string | null;
            /** @description The gallery beside the cover: 0–9 http(s) URLs, in order (e.g. from POST /api/media with purpose=goods) */
            images?: string[];
        };
        UpdateGoodsDto: {
            name?: string;
            price?: number;
            stock?: number;
            category?: string | null;
            onSale?: boolean;
            description?: string | null;
            /**
             * Format: uri
             * @description http(s) URL
             */
            imageUrl?: string | null;
            /** @description The gallery beside the cover: 0–9 http(s) URLs, in order (e.g. from POST /api/media with purpose=goods) */
            images?: string[];
            /** @description When given and not the current version: 409 VERSION_CONFLICT, nothing changes */
            version?: number;
        };
        LivenessResponse: {
            /** @enum {string} */
            status: "ok";
        };
        HealthResponse: {
            /** @enum {string} */
            status: "ok";
            /**
             * @description Each dependency checked, by name
             * @example {
             *       "database": {
             *         "status": "up"
             *       }
             *     }
             */
            info: {
                [key: string]: {
                    /** @enum {string} */
                    status: "up";
                };
            };
        };
        AuditEntryResponse: {
            /** Format: uuid */
            id: string;
            /** Format: date-time */
            at: string;
            /**
             * Format: uuid
             * @description null: the system (operator CLI, start-up admin)
             */
            actorId: string | null;
            /** @enum {string} */
            action: "goods.create" | "goods.update" | "goods.delete" | "user.create" | "user.role" | "user.disable" | "user.enable";
            /** @enum {string} */
            targetType: "goods" | "user";
            /** Format: uuid */
            targetId: string;
            /**
             * @description `{field: [before, after]}`; before is null on a create, after is null on a delete
             * @example {
             *       "price": [
             *         39.9,
             *         35
             *       ]
             *     }
             */
            changes: {
                [key: string]: unknown[];
            };
            /** @description X-Request-Id of the request that made the change */
            requestId: string | null;
        };
        AuditListResponse: {
            items: components["schemas"]["AuditEntryResponse"][];
            /** @description Pass back as cursor (same filters) for older rows; null on the last page */
            nextCursor: string | null;
        };
        MediaResponse: {
            /** Format: uuid */
            id: string;
            /**
             * @description Public URL of the re-encoded image; put it in avatarUrl, imageUrl or images
             * @example https://cdn.example.com/media/0f3c…9a.jpg
             */
            url: string;
            /** @enum {string} */
            purpose: "avatar" | "goods";
            /**
             * @description Read from the bytes, not from the upload’s name or Content-Type
             * @enum {string}
             */
            contentType: "image/jpeg" | "image/png" | "image/webp" | "image/gif";
            /**
             * @description Pixels, after orientation and resizing
             * @example 640
             */
            width: number;
            /** @example 480 */
            height: number;
            /**
             * @description Size of the stored (re-encoded) file
             * @example 48213
             */
            bytes: number;
            /** Format: date-time */
            createdAt: string;
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    MeController_me: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UserResponse"];
                };
            };
            /** @description Error codes: `TOKEN_INVALID`, `TOKEN_EXPIRED` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Error codes: `INTERNAL_ERROR` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    MeController_updateFromMiniProgram: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateProfileDto"];
            };
        };
        responses: {
            /** @description The same partial update as PATCH /api/users/me (wx.request cannot send PATCH) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UserResponse"];
                };
            };
            /** @description Error codes: `VALIDATION_FAILED` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Error codes: `TOKEN_INVALID`, `TOKEN_EXPIRED` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Error codes: `PAYLOAD_TOO_LARGE` */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Error codes: `UNSUPPORTED_MEDIA_TYPE` */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Error codes: `INTERNAL_ERROR` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    MeController_erase: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The account is erased: profile cleared, sessions revoked */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Error codes: `TOKEN_INVALID`, `TOKEN_EXPIRED` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Error codes: `LAST_ADMIN` */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Error codes: `INTERNAL_ERROR` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    MeController_update: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateProfileDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UserResponse"];
                };
            };
            /** @description Error codes: `VALIDATION_FAILED` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Error codes: `TOKEN_INVALID`, `TOKEN_EXPIRED` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Error codes: `PAYLOAD_TOO_LARGE` */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Error codes: `UNSUPPORTED_MEDIA_TYPE` */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Error codes: `INTERNAL_ERROR` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    MeController_avatar: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "multipart/form-data": {
                    /**
                     * Format: binary
                     * @description A JPEG, PNG, WebP or GIF image (the type is read from its bytes)
                     */
                    file: string;
                };
            };
        };
        responses: {
            /** @description The user, `avatarUrl` pointing at the stored image */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UserResponse"];
                };
            };
            /** @description Error codes: `MEDIA_FILE_MISSING`, `MEDIA_UPLOAD_INVALID`, `VALIDATION_FAILED` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Error codes: `TOKEN_INVALID`, `TOKEN_EXPIRED` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Error codes: `PAYLOAD_TOO_LARGE` */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Error codes: `MEDIA_TYPE_UNSUPPORTED`, `UNSUPPORTED_MEDIA_TYPE` */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Error codes: `MEDIA_UNREADABLE`, `MEDIA_TOO_LARGE_IMAGE` */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Error codes: `RATE_LIMITED` */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Error codes: `INTERNAL_ERROR` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Error codes: `MEDIA_STORAGE_UNAVAILABLE` */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    MeController_wechatProfile: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["WechatProfileDto"];
            };
        };
        responses: {
            /** @description On SESSION_KEY_STALE: call wx.login, log in again, retry with fresh data */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UserResponse"];
                };
            };
            /** @description Error codes: `SESSION_KEY_STALE`, `VALIDATION_FAILED` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Error codes: `TOKEN_INVALID`, `TOKEN_EXPIRED` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Error codes: `PAYLOAD_TOO_LARGE` */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Error codes: `UNSUPPORTED_MEDIA_TYPE` */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Error codes: `INTERNAL_ERROR` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    MeController_phone: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PhoneNumberDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UserResponse"];
                };
            };
            /** @description Error codes: `WECHAT_CODE_INVALID`, `SESSION_KEY_STALE`, `VALIDATION_FAILED` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Error codes: `TOKEN_INVALID`, `TOKEN_EXPIRED` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Error codes: `PAYLOAD_TOO_LARGE` */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Error codes: `UNSUPPORTED_MEDIA_TYPE` */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Error codes: `WECHAT_RATE_LIMITED` */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Error codes: `INTERNAL_ERROR` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Error codes: `WECHAT_ERROR` */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Error codes: `WECHAT_UNAVAILABLE` */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    UserAccountsController_list: {
        parameters: {
            query?: {
                /** @description Substring of nickname, username or openid (case-insensitive) */
                search?: string;
                role?: "user" | "staff" | "admin";
                page?: number;
                pageSize?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UserListResponse"];
                };
            };
            /** @description Error codes: `VALIDATION_FAILED` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Error codes: `TOKEN_INVALID`, `TOKEN_EXPIRED` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Error codes: `ROLE_FORBIDDEN` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Error codes: `INTERNAL_ERROR` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    UserAccountsController_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateAccountDto"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UserResponse"];
                };
            };
            /** @description Error codes: `VALIDATION_FAILED` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Error codes: `TOKEN_INVALID`, `TOKEN_EXPIRED` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Error codes: `ROLE_FORBIDDEN` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Error codes: `USERNAME_TAKEN` */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Error codes: `PAYLOAD_TOO_LARGE` */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Error codes: `UNSUPPORTED_MEDIA_TYPE` */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Error codes: `INTERNAL_ERROR` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    UserAccountsController_update: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateAccountDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UserResponse"];
                };
            };
            /** @description Error codes: `VALIDATION_FAILED` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Error codes: `TOKEN_INVALID`, `TOKEN_EXPIRED` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Error codes: `ROLE_FORBIDDEN` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Error codes: `USER_NOT_FOUND` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Error codes: `LAST_ADMIN` */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Error codes: `PAYLOAD_TOO_LARGE` */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Error codes: `URI_TOO_LONG` */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Error codes: `UNSUPPORTED_MEDIA_TYPE` */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Error codes: `INTERNAL_ERROR` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    AuthController_wechatLogin: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["WechatLoginDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TokenPairResponse"];
                };
            };
            /** @description Error codes: `VALIDATION_FAILED` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Error codes: `WECHAT_CODE_INVALID`, `WECHAT_CODE_USED` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Error codes: `WECHAT_USER_BLOCKED`, `USER_DISABLED` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Error codes: `PAYLOAD_TOO_LARGE` */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Error codes: `UNSUPPORTED_MEDIA_TYPE` */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Error codes: `WECHAT_RATE_LIMITED`, `RATE_LIMITED` */
            429: {
                headers: {
                    /** @description Seconds until another attempt is accepted */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Error codes: `INTERNAL_ERROR` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Error codes: `WECHAT_ERROR` */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Error codes: `WECHAT_UNAVAILABLE` */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    AuthController_passwordLogin: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PasswordLoginDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TokenPairResponse"];
                };
            };
            /** @description Error codes: `VALIDATION_FAILED` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Error codes: `INVALID_CREDENTIALS` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Error codes: `USER_DISABLED` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Error codes: `PAYLOAD_TOO_LARGE` */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Error codes: `UNSUPPORTED_MEDIA_TYPE` */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Error codes: `RATE_LIMITED` */
            429: {
                headers: {
                    /** @description Seconds until another attempt is accepted */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Error codes: `INTERNAL_ERROR` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    AuthController_refresh: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RefreshTokenDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TokenPairResponse"];
                };
            };
            /** @description Error codes: `VALIDATION_FAILED` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Error codes: `REFRESH_TOKEN_INVALID`, `REFRESH_TOKEN_REUSED`, `REFRESH_IN_PROGRESS` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Error codes: `USER_DISABLED` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Error codes: `PAYLOAD_TOO_LARGE` */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Error codes: `UNSUPPORTED_MEDIA_TYPE` */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Error codes: `INTERNAL_ERROR` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    AuthController_verify: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["VerifyTokenDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["VerifyTokenResponse"];
                };
            };
            /** @description Error codes: `VALIDATION_FAILED` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Error codes: `TOKEN_INVALID`, `TOKEN_EXPIRED` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Error codes: `PAYLOAD_TOO_LARGE` */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Error codes: `UNSUPPORTED_MEDIA_TYPE` */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Error codes: `INTERNAL_ERROR` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    AuthController_logout: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RefreshTokenDto"];
            };
        };
        responses: {
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Error codes: `VALIDATION_FAILED` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Error codes: `PAYLOAD_TOO_LARGE` */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Error codes: `UNSUPPORTED_MEDIA_TYPE` */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Error codes: `INTERNAL_ERROR` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    GoodsController_list: {
        parameters: {
            query?: {
                /** @description Case-insensitive substring of the name; % and _ are literal */
                search?: string;
                category?: string;
                onSale?: "true" | "false";
                /** @description Yuan, at most 2 decimals */
                minPrice?: string;
                /** @description Yuan, at most 2 decimals */
                maxPrice?: string;
                ordering?: "price" | "-price" | "createdAt" | "-createdAt" | "name" | "-name" | "stock" | "-stock";
                /** @description page × pageSize ≤ 10000; deeper pages: follow nextCursor */
                page?: number;
                pageSize?: number;
                /** @description nextCursor of the previous page (not with page) */
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GoodsListResponse"];
                };
            };
            /** @description Error codes: `CURSOR_INVALID`, `CURSOR_WITH_PAGE`, `PAGE_TOO_DEEP`, `VALIDATION_FAILED` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Error codes: `TOKEN_INVALID`, `TOKEN_EXPIRED` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Error codes: `INTERNAL_ERROR` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    GoodsController_create: {
        parameters: {
            query?: never;
            header?: {
                /** @description Retries with the same key from the same user within 24 h create nothing new; the same key with another body is a 422 */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateGoodsDto"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GoodsResponse"];
                };
            };
            /** @description Error codes: `IDEMPOTENCY_KEY_INVALID`, `VALIDATION_FAILED` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Error codes: `TOKEN_INVALID`, `TOKEN_EXPIRED` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Error codes: `ROLE_FORBIDDEN` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Error codes: `GOODS_NOT_FOUND` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Error codes: `PAYLOAD_TOO_LARGE` */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Error codes: `UNSUPPORTED_MEDIA_TYPE` */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Error codes: `IDEMPOTENCY_KEY_REUSED` */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Error codes: `INTERNAL_ERROR` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    GoodsController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GoodsResponse"];
                };
            };
            /** @description Error codes: `VALIDATION_FAILED` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Error codes: `TOKEN_INVALID`, `TOKEN_EXPIRED` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Error codes: `GOODS_NOT_FOUND` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Error codes: `URI_TOO_LONG` */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Error codes: `INTERNAL_ERROR` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    GoodsController_remove: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Error codes: `VALIDATION_FAILED` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Error codes: `TOKEN_INVALID`, `TOKEN_EXPIRED` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Error codes: `ROLE_FORBIDDEN` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Error codes: `GOODS_NOT_FOUND` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Error codes: `URI_TOO_LONG` */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Error codes: `INTERNAL_ERROR` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    GoodsController_update: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateGoodsDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GoodsResponse"];
                };
            };
            /** @description Error codes: `VALIDATION_FAILED` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Error codes: `TOKEN_INVALID`, `TOKEN_EXPIRED` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Error codes: `ROLE_FORBIDDEN` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Error codes: `GOODS_NOT_FOUND` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Error codes: `VERSION_CONFLICT` */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Error codes: `PAYLOAD_TOO_LARGE` */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Error codes: `URI_TOO_LONG` */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Error codes: `UNSUPPORTED_MEDIA_TYPE` */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Error codes: `INTERNAL_ERROR` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    HealthController_live: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LivenessResponse"];
                };
            };
            /** @description Error codes: `INTERNAL_ERROR` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    HealthController_ready: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HealthResponse"];
                };
            };
            /** @description Error codes: `INTERNAL_ERROR` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Error codes: `HEALTH_CHECK_FAILED`, `SHUTTING_DOWN` */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    HealthController_check: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HealthResponse"];
                };
            };
            /** @description Error codes: `INTERNAL_ERROR` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Error codes: `HEALTH_CHECK_FAILED`, `SHUTTING_DOWN` */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    AuditController_list: {
        parameters: {
            query?: {
                /** @description The acting user id */
                actor?: string;
                action?: "goods.create" | "goods.update" | "goods.delete" | "user.create" | "user.role" | "user.disable" | "user.enable";
                targetType?: "goods" | "user";
                targetId?: string;
                /** @description Rows at or after this instant */
                from?: string;
                /** @description Rows before this instant */
                to?: string;
                pageSize?: number;
                /** @description nextCursor of the previous page, with the same filters */
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AuditListResponse"];
                };
            };
            /** @description Error codes: `CURSOR_INVALID`, `VALIDATION_FAILED` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Error codes: `TOKEN_INVALID`, `TOKEN_EXPIRED` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Error codes: `ROLE_FORBIDDEN` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Error codes: `INTERNAL_ERROR` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    MediaController_upload: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "multipart/form-data": {
                    /**
                     * Format: binary
                     * @description A JPEG, PNG, WebP or GIF image (the type is read from its bytes)
                     */
                    file: string;
                    /**
                     * @description `avatar` (anyone signed in) or `goods` (staff, admin)
                     * @enum {string}
                     */
                    purpose: "avatar" | "goods";
                };
            };
        };
        responses: {
            /** @description The image, re-encoded; its `url` is public */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MediaResponse"];
                };
            };
            /** @description Error codes: `MEDIA_FILE_MISSING`, `MEDIA_UPLOAD_INVALID`, `MEDIA_PURPOSE_INVALID`, `VALIDATION_FAILED` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Error codes: `TOKEN_INVALID`, `TOKEN_EXPIRED` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Error codes: `ROLE_FORBIDDEN` */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Error codes: `PAYLOAD_TOO_LARGE` */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Error codes: `MEDIA_TYPE_UNSUPPORTED`, `UNSUPPORTED_MEDIA_TYPE` */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Error codes: `MEDIA_UNREADABLE`, `MEDIA_TOO_LARGE_IMAGE` */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Error codes: `RATE_LIMITED` */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Error codes: `INTERNAL_ERROR` */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description Error codes: `MEDIA_STORAGE_UNAVAILABLE` */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
}
// ---- END GENERATED ----
