/**
 * The fake WeChat of the login scenario, in a process of its own (so its work is charged to
 * neither server): the app's dev fake, which maps any code c to the openid `dev_<c>`, so
 * fresh codes are new users. Settings in over IPC, URL out; SIGTERM stops it.
 */
import { DevWechatServer } from '../src/dev/dev-wechat.server';

if (require.main === module && process.send) {
  process.once('message', ({ appid, secret }: { appid: string; secret: string }) => {
    const fake = new DevWechatServer({ appid, secret });
    fake.listen().then(
      (url) => process.send!({ url }),
      (err: Error) => {
        process.stderr.write(`fake WeChat failed to start: ${err.message}\n`);
        process.exit(1);
      },
    );
    process.once('SIGTERM', () => {
      fake.close().finally(() => process.exit(0));
    });
  });
}
