/**
 * The bench's synthetic catalogue: names built from several templates, brands, origins,
 * attributes and pack sizes, mixing Chinese and English the way Chinese shops write them
 * (`伊利 全脂纯牛奶 250ml×24盒`, `Lay's 薯片 Original 70g`, `【限时特惠】三只松鼠夏威夷果 500g`).
 * Categories and products are drawn with Zipf-like weights, so a search term hits unevenly:
 * 奶 or `milk` match tens of thousands of rows, 榴莲 or `durian` a few hundred.
 *
 * Deterministic: the same seed and row number give the same goods, so a seeded database can
 * be recognised by its marker (see seed.ts) and reused.
 */

export interface Product {
  zh: string;
  en: string;
}

export interface Category {
  /** The `category` column. */
  name: string;
  /** Relative share of the catalogue. */
  weight: number;
  /** Price range in yuan (log-uniform between these). */
  price: [number, number];
  /** Most popular first: drawn with Zipf weights by rank. */
  products: Product[];
  /** Brands as shops print them: Chinese, English, or both. */
  brands: string[];
  /** Pack sizes: `{n}` is replaced with a number from `counts`. */
  specs: string[];
}

const p = (zh: string, en: string): Product => ({ zh, en });

export const CATEGORIES: Category[] = [
  {
    name: '水果', weight: 14, price: [4.9, 299],
    products: [p('苹果', 'Apple'), p('香蕉', 'Banana'), p('橙子', 'Orange'), p('葡萄', 'Grape'), p('草莓', 'Strawberry'), p('芒果', 'Mango'),
      p('猕猴桃', 'Kiwi'), p('西瓜', 'Watermelon'), p('车厘子', 'Cherry'), p('蓝莓', 'Blueberry'), p('柠檬', 'Lemon'), p('菠萝', 'Pineapple'),
      p('火龙果', 'Dragon Fruit'), p('牛油果', 'Avocado'), p('榴莲', 'Durian')],
    brands: ['佳沛 Zespri', '都乐 Dole', 'Zespri', '褚橙', '百果园', '鲜丰水果', 'Sunkist', '新奇士 Sunkist', '农夫山泉'],
    specs: ['{n}斤装', '{n}kg', '{n}个装', '约{n}g', '{n}盒', '单果{n}g+'],
  },
  {
    name: '乳品', weight: 12, price: [3.5, 399],
    products: [p('牛奶', 'Milk'), p('酸奶', 'Yogurt'), p('纯牛奶', 'Whole Milk'), p('奶粉', 'Milk Powder'), p('奶酪', 'Cheese'), p('黄油', 'Butter'),
      p('奶油', 'Cream'), p('豆奶', 'Soy Milk'), p('希腊酸奶', 'Greek Yogurt'), p('奶片', 'Milk Tablets')],
    brands: ['伊利', '蒙牛', '光明', '安佳 Anchor', 'Anchor', '君乐宝', '雀巢 Nestle', 'Nestle', '认养一头牛', '卡士', 'Oatly'],
    specs: ['{n}ml×24盒', '{n}ml', '{n}g', '{n}L', '{n}杯装', '{n}g×12袋'],
  },
  {
    name: '饮料', weight: 12, price: [2.5, 499],
    products: [p('咖啡', 'Coffee'), p('绿茶', 'Green Tea'), p('奶茶', 'Milk Tea'), p('矿泉水', 'Mineral Water'), p('可乐', 'Cola'), p('果汁', 'Juice'),
      p('红茶', 'Black Tea'), p('苏打水', 'Soda Water'), p('啤酒', 'Beer'), p('乌龙茶', 'Oolong Tea'), p('椰汁', 'Coconut Milk'), p('红酒', 'Red Wine'),
      p('气泡水', 'Sparkling Water'), p('功能饮料', 'Energy Drink')],
    brands: ['农夫山泉', '元气森林', '可口可乐 Coca-Cola', 'Coca-Cola', '雀巢 Nescafe', 'Nescafe', '立顿 Lipton', 'Lipton', 'Starbucks', '百威 Budweiser', '康师傅', '统一', '三顿半', 'Red Bull'],
    specs: ['{n}ml×24瓶', '{n}ml', '{n}L', '{n}g', '{n}杯', '{n}听', '{n}袋装'],
  },
  {
    name: '零食', weight: 11, price: [1.9, 199],
    products: [p('巧克力', 'Chocolate'), p('薯片', 'Potato Chips'), p('饼干', 'Biscuits'), p('坚果', 'Mixed Nuts'), p('牛肉干', 'Beef Jerky'), p('夏威夷果', 'Macadamia'),
      p('瓜子', 'Sunflower Seeds'), p('果冻', 'Jelly'), p('糖果', 'Candy'), p('海苔', 'Seaweed Snack'), p('黑巧克力', 'Dark Chocolate'), p('蛋卷', 'Egg Rolls'),
      p('辣条', 'Spicy Strips'), p('开心果', 'Pistachio')],
    brands: ['三只松鼠', '良品铺子', '乐事 Lay\'s', 'Lay\'s', '奥利奥 Oreo', 'Oreo', '德芙 Dove', 'Dove', '好丽友', '费列罗 Ferrero', 'Ferrero', '百草味', '卫龙', 'KitKat', 'M&M\'s'],
    specs: ['{n}g', '{n}g×3袋', '{n}袋装', '{n}g/罐', '{n}盒', '{n}片'],
  },
  {
    name: '粮油', weight: 7, price: [5.9, 299],
    products: [p('大米', 'Rice'), p('面粉', 'Flour'), p('花生油', 'Peanut Oil'), p('橄榄油', 'Olive Oil'), p('挂面', 'Noodles'), p('燕麦', 'Oatmeal'),
      p('小米', 'Millet'), p('玉米油', 'Corn Oil'), p('意大利面', 'Spaghetti'), p('糙米', 'Brown Rice')],
    brands: ['金龙鱼', '福临门', '鲁花', '十月稻田', '五得利', '桂格 Quaker', 'Quaker', '百味来 Barilla', 'Barilla', '西王'],
    specs: ['{n}kg', '{n}L', '{n}斤', '{n}g', '{n}袋'],
  },
  {
    name: '肉禽', weight: 6, price: [9.9, 499],
    products: [p('牛肉', 'Beef'), p('猪肉', 'Pork'), p('鸡胸肉', 'Chicken Breast'), p('鸡翅', 'Chicken Wings'), p('羊肉', 'Lamb'), p('牛排', 'Steak'),
      p('香肠', 'Sausage'), p('培根', 'Bacon'), p('鸡蛋', 'Eggs'), p('鸭脖', 'Duck Neck')],
    brands: ['双汇', '雨润', '正大', '圣农', '科尔沁', '大希地', '荷美尔 Hormel', 'Hormel', '小牧童'],
    specs: ['{n}g', '{n}kg', '{n}斤', '{n}片装', '{n}枚'],
  },
  {
    name: '水产', weight: 4, price: [12.9, 899],
    products: [p('三文鱼', 'Salmon'), p('虾仁', 'Shrimp'), p('带鱼', 'Hairtail'), p('鳕鱼', 'Cod'), p('扇贝', 'Scallop'), p('大闸蟹', 'Hairy Crab'),
      p('鱿鱼', 'Squid'), p('鲈鱼', 'Sea Bass'), p('龙虾', 'Lobster')],
    brands: ['獐子岛', '国联', '禧美 Seamix', '挪威海产', '渔民', 'Ocean King'],
    specs: ['{n}g', '{n}kg', '{n}只装', '{n}斤', '{n}盒'],
  },
  {
    name: '蔬菜', weight: 6, price: [1.5, 89],
    products: [p('番茄', 'Tomato'), p('土豆', 'Potato'), p('白菜', 'Cabbage'), p('黄瓜', 'Cucumber'), p('豆腐', 'Tofu'), p('西兰花', 'Broccoli'),
      p('胡萝卜', 'Carrot'), p('菠菜', 'Spinach'), p('洋葱', 'Onion'), p('香菇', 'Mushroom'), p('玉米', 'Sweet Corn')],
    brands: ['本来生活', '盒马', '每日优鲜', '绿行者', '山东寿光'],
    specs: ['{n}g', '{n}斤', '约{n}kg', '{n}根', '{n}颗'],
  },
  {
    name: '调味', weight: 5, price: [2.9, 129],
    products: [p('酱油', 'Soy Sauce'), p('蜂蜜', 'Honey'), p('米醋', 'Rice Vinegar'), p('辣椒酱', 'Chili Sauce'), p('蚝油', 'Oyster Sauce'), p('番茄酱', 'Ketchup'),
      p('食盐', 'Salt'), p('白糖', 'Sugar'), p('火锅底料', 'Hot Pot Base'), p('黑胡椒', 'Black Pepper')],
    brands: ['海天', '李锦记 Lee Kum Kee', 'Lee Kum Kee', '老干妈', '千禾', '恒顺', '亨氏 Heinz', 'Heinz', '海底捞', '冠生园'],
    specs: ['{n}ml', '{n}g', '{n}L', '{n}瓶装', '{n}g×2'],
  },
  {
    name: '烘焙', weight: 4, price: [3.9, 259],
    products: [p('面包', 'Bread'), p('蛋糕', 'Cake'), p('吐司', 'Toast'), p('月饼', 'Mooncake'), p('蛋挞', 'Egg Tart'), p('可颂', 'Croissant'),
      p('曲奇', 'Cookies'), p('贝果', 'Bagel')],
    brands: ['桃李', '宾堡 Bimbo', '好利来', '稻香村', '85度C', 'Paris Baguette', '美心 Maxim\'s'],
    specs: ['{n}g', '{n}个装', '{n}片', '{n}盒', '{n}寸'],
  },
  {
    name: '个护', weight: 6, price: [5.9, 599],
    products: [p('洗发水', 'Shampoo'), p('沐浴露', 'Body Wash'), p('牙膏', 'Toothpaste'), p('洗面奶', 'Facial Cleanser'), p('护手霜', 'Hand Cream'),
      p('香皂', 'Soap'), p('面膜', 'Face Mask'), p('防晒霜', 'Sunscreen'), p('牙刷', 'Toothbrush')],
    brands: ['海飞丝', '潘婷 Pantene', 'Pantene', '多芬 Dove', '高露洁 Colgate', 'Colgate', '云南白药', '欧莱雅 L\'Oreal', 'Nivea', '妮维雅', '舒肤佳'],
    specs: ['{n}ml', '{n}g', '{n}片装', '{n}支装', '{n}ml×2瓶'],
  },
  {
    name: '家清', weight: 5, price: [3.9, 199],
    products: [p('纸巾', 'Tissues'), p('洗衣液', 'Laundry Detergent'), p('洗洁精', 'Dish Soap'), p('湿巾', 'Wet Wipes'), p('垃圾袋', 'Trash Bags'),
      p('抽纸', 'Facial Tissue'), p('卷纸', 'Toilet Paper'), p('消毒液', 'Disinfectant')],
    brands: ['维达 Vinda', 'Vinda', '清风', '心相印', '蓝月亮', '立白', '汰渍 Tide', 'Tide', '威猛先生', '滴露 Dettol'],
    specs: ['{n}包', '{n}卷', '{n}kg', '{n}L', '{n}抽×6包', '{n}只'],
  },
  {
    name: '母婴', weight: 3, price: [9.9, 699],
    products: [p('纸尿裤', 'Diapers'), p('婴儿奶粉', 'Infant Formula'), p('米粉', 'Rice Cereal'), p('奶瓶', 'Baby Bottle'), p('拉拉裤', 'Pull-ups'), p('婴儿湿巾', 'Baby Wipes')],
    brands: ['帮宝适 Pampers', 'Pampers', '花王 Merries', '好奇 Huggies', 'Huggies', '飞鹤', '爱他美 Aptamil', 'Aptamil', '贝亲 Pigeon'],
    specs: ['{n}片', '{n}g', '{n}段', '{n}ml', '{n}包'],
  },
  {
    name: '数码', weight: 3, price: [9.9, 2999],
    products: [p('耳机', 'Earphones'), p('充电器', 'Charger'), p('数据线', 'USB Cable'), p('充电宝', 'Power Bank'), p('鼠标', 'Mouse'), p('键盘', 'Keyboard'),
      p('蓝牙音箱', 'Bluetooth Speaker'), p('手机壳', 'Phone Case')],
    brands: ['小米 Xiaomi', 'Xiaomi', '华为 Huawei', 'Anker', '安克 Anker', '绿联', '罗技 Logitech', 'Logitech', 'Apple', '倍思 Baseus'],
    specs: ['{n}W', '{n}mAh', '{n}m', '{n}键', '{n}代'],
  },
  {
    name: '宠物', weight: 2, price: [9.9, 499],
    products: [p('猫粮', 'Cat Food'), p('狗粮', 'Dog Food'), p('猫砂', 'Cat Litter'), p('冻干', 'Freeze-dried Treats'), p('猫条', 'Cat Treats'), p('罐头', 'Canned Food')],
    brands: ['皇家 Royal Canin', 'Royal Canin', '渴望 Orijen', '麦富迪', '比瑞吉', '网易严选', 'Purina'],
    specs: ['{n}kg', '{n}g', '{n}L', '{n}支装', '{n}罐'],
  },
];

export const ZH_ATTRIBUTES = ['新鲜', '进口', '有机', '特级', '精选', '国产', '家庭装', '低脂', '无糖', '儿童', '经典', '原味', '香辣', '脱脂', '全脂',
  '冷冻', '手工', '即食', '网红', '限量', '高端', '营养', '轻食', '大包装', '便携'];
export const EN_ATTRIBUTES = ['Organic', 'Fresh', 'Premium', 'Classic', 'Original', 'Low Fat', 'Sugar Free', 'Extra', 'Family Size', 'Imported', 'Natural',
  'Spicy', 'Crunchy', 'Deluxe', 'Mini', 'Light', 'Select', 'Gold'];
export const ORIGINS = ['烟台', '新疆', '云南', '海南', '内蒙古', '东北', '山东', '四川', '智利', '新西兰', '泰国', '澳洲', '挪威', '日本', '美国', '法国'];
export const PROMOS = ['【限时特惠】', '【买一送一】', '【顺丰包邮】', '【新品】', '【爆款】', '[Hot] ', '[New] ', '【会员专享】'];
/** Pack sizes by unit: grams and millilitres in the hundreds, kilograms and litres in single digits, counts in between. */
const COUNTS = {
  small: [30, 50, 70, 100, 125, 150, 200, 250, 300, 450, 500, 750, 1000, 1500, 2000],
  large: [1, 2, 3, 5, 10],
  count: [1, 2, 3, 4, 5, 6, 8, 10, 12, 20, 24, 30, 50, 100],
};
function countsFor(spec: string): number[] {
  if (/\{n\}(g|ml|mAh)/.test(spec)) return COUNTS.small;
  if (/\{n\}(kg|L|斤|m\b|W|寸|代|段)/.test(spec)) return COUNTS.large;
  return COUNTS.count;
}
const DESCRIPTIONS = [
  '{zh}，{attr}，产地{origin}，当日发货。',
  '精选{origin}{zh}，{attr}口感，开袋即食。',
  '{en} from {origin_en}. {attr_en}, carefully packed.',
  '{brand}官方直营，{zh}{spec}，假一赔十。',
  'Best-selling {en} ({zh}). Store in a cool, dry place.',
];
const ORIGINS_EN = ['Yantai', 'Xinjiang', 'Yunnan', 'Hainan', 'Inner Mongolia', 'Northeast China', 'Shandong', 'Sichuan', 'Chile', 'New Zealand',
  'Thailand', 'Australia', 'Norway', 'Japan', 'the USA', 'France'];

/** Bump when the generator changes in a way the vocabulary above does not show (see catalogueFingerprint). */
export const GENERATOR_VERSION = 1;

/** Small, fast, seedable PRNG (mulberry32): the same seed gives the same catalogue. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Cumulative weights for picking index i with probability weight[i] / sum. */
function cumulative(weights: number[]): number[] {
  let sum = 0;
  const out = weights.map((w) => (sum += w));
  return out.map((c) => c / sum);
}

function pickIndex(cdf: number[], r: number): number {
  let lo = 0;
  let hi = cdf.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (r < cdf[mid]) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Zipf-like by rank (s = 1.1): the first product of a category is about 20× as common as the fifteenth. */
const zipf = (n: number) => Array.from({ length: n }, (_, rank) => 1 / Math.pow(rank + 1, 1.1));

const CATEGORY_CDF = cumulative(CATEGORIES.map((c) => c.weight));
const PRODUCT_CDFS = CATEGORIES.map((c) => cumulative(zipf(c.products.length)));
const BRAND_CDFS = CATEGORIES.map((c) => cumulative(zipf(c.brands.length)));

/** Name templates with their weights: which words appear and in which language. */
type Parts = { brand: string; zh: string; en: string; attr: string; attrEn: string; origin: string; spec: string; promo: string };
const TEMPLATES: [number, (x: Parts) => string][] = [
  [28, (x) => `${x.brand} ${x.attr}${x.zh} ${x.spec}`],
  [14, (x) => `${x.attr}${x.origin}${x.zh} ${x.spec}`],
  [14, (x) => `${englishBrand(x.brand)} ${x.attrEn} ${x.en} ${x.spec}`],
  [12, (x) => `${x.brand} ${x.zh} ${x.en} ${x.spec}`],
  [10, (x) => `${x.promo}${x.brand}${x.zh}${x.spec}`],
  [8, (x) => `${x.en} ${x.zh} ${x.attr} ${x.spec}`],
  [8, (x) => `${x.origin}${x.zh}${x.attr}${x.spec} ${x.brand}`],
  [6, (x) => `${x.attrEn} ${x.en} (${x.zh}) - ${x.brand}`],
];
const TEMPLATE_CDF = cumulative(TEMPLATES.map(([w]) => w));

/** `佳沛 Zespri` → `Zespri`; a Chinese-only brand stays as it is (shops mix them anyway). */
function englishBrand(brand: string): string {
  const latin = brand.split(' ').filter((w) => /^[\x20-\x7e]+$/.test(w));
  return latin.length ? latin.join(' ') : brand;
}

export interface GoodsSeedRow {
  name: string;
  description: string | null;
  price: string;
  stock: number;
  category: string;
  onSale: boolean;
  imageUrl: string | null;
  createdAt: string;
  updatedAt: string;
}

const START = Date.UTC(2024, 0, 1);
const SPAN_MS = 730 * 24 * 3600 * 1000;

/** Row `i` of the catalogue with this seed: independent of the other rows, so batches can be made in any order. */
export function goodsRow(seed: number, i: number): GoodsSeedRow {
  const rnd = prng((seed ^ Math.imul(i + 1, 0x9e3779b1)) >>> 0);
  rnd();
  const ci = pickIndex(CATEGORY_CDF, rnd());
  const category = CATEGORIES[ci];
  const product = category.products[pickIndex(PRODUCT_CDFS[ci], rnd())];
  const brand = category.brands[pickIndex(BRAND_CDFS[ci], rnd())];
  const pick = <T>(list: T[]) => list[Math.floor(rnd() * list.length)];
  const originIndex = Math.floor(rnd() * ORIGINS.length);
  const specTemplate = pick(category.specs);
  const spec = specTemplate.replace('{n}', String(pick(countsFor(specTemplate))));
  const parts: Parts = {
    brand,
    zh: product.zh,
    en: product.en,
    attr: pick(ZH_ATTRIBUTES),
    attrEn: pick(EN_ATTRIBUTES),
    origin: ORIGINS[originIndex],
    spec,
    promo: pick(PROMOS),
  };
  const name = TEMPLATES[pickIndex(TEMPLATE_CDF, rnd())][1](parts).replace(/\s+/g, ' ').trim().slice(0, 120);

  const [lo, hi] = category.price;
  const raw = Math.exp(Math.log(lo) + rnd() * (Math.log(hi) - Math.log(lo)));
  const cents = [90, 99, 0, 50, 80, 88][Math.floor(rnd() * 6)];
  const price = `${Math.floor(raw)}.${String(cents).padStart(2, '0')}`;
  const stock = rnd() < 0.08 ? 0 : Math.floor(Math.pow(rnd(), 2) * 999) + 1;
  const onSale = rnd() < 0.88;
  const description =
    rnd() < 0.4
      ? pick(DESCRIPTIONS)
          .replace('{zh}', product.zh)
          .replace('{en}', product.en)
          .replace('{attr}', parts.attr)
          .replace('{attr_en}', parts.attrEn)
          .replace('{origin}', parts.origin)
          .replace('{origin_en}', ORIGINS_EN[originIndex])
          .replace('{brand}', brand)
          .replace('{spec}', spec)
      : null;
  const imageUrl = rnd() < 0.7 ? `https://img.wxmall.example/goods/${ci}/${Math.floor(rnd() * 5000)}.jpg` : null;
  const created = START + Math.floor(rnd() * SPAN_MS);
  const updated = created + Math.floor(rnd() * 30 * 24 * 3600 * 1000);
  return { name, description, price, stock, category: category.name, onSale, imageUrl, createdAt: new Date(created).toISOString(), updatedAt: new Date(updated).toISOString() };
}

/** What the generator produces, as text: when any of it changes, a seeded database no longer matches. */
export function catalogueFingerprintSource(): string {
  return JSON.stringify({ GENERATOR_VERSION, CATEGORIES, ZH_ATTRIBUTES, EN_ATTRIBUTES, ORIGINS, PROMOS, COUNTS, DESCRIPTIONS, ORIGINS_EN, START, SPAN_MS, templates: TEMPLATES.map(([w, f]) => [w, f.toString()]), countsFor: countsFor.toString() });
}
