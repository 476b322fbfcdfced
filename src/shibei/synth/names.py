"""Synthetic Chinese person names, and the character tables name typos are drawn from.

Every name is generated; none belongs to a real person. Surnames follow approximate
real-world shares with a Qingdao tilt (王 张 李 刘 lead, then the Jiaodong surnames 于 孙
姜 曲 隋 鞠 栾 逄 綦 …; the compound surnames 欧阳 司马 诸葛 上官 at tiny rates). Given
names are one character (~30%) or two (~70%), typed by sex and by the era of birth
(建国 秀英 for the 1950s, 伟 丽 for the 1980s, 浩然 欣怡 for the 2000s); about 0.5% carry
a rare character (䶮 堃 喆 赟 玥 …, some outside GB 2312 or even GBK).

>>> import random
>>> gen = NameGenerator(random.Random(7))
>>> len(gen.person_name("女", birth_year=1985)) in (2, 3, 4)
True
"""

from __future__ import annotations

import random
from bisect import bisect
from itertools import accumulate

SEXES = ("男", "女")

# Surnames with weights per ~10,000 people: national rankings (公安部 户籍人口姓氏统计)
# tilted towards Shandong and Qingdao (more 王 张 于 孙 姜, the Jiaodong surnames).
_SURNAME_TABLE = """
王1000 张780 李730 刘620 于280 孙260 杨230 姜210 赵200 徐190 陈170 高160 宋130 周120
马120 林110 郭100 吴90 黄80 胡80 朱80 邢75 曲75 韩70 董70 崔65 吕60 纪60 薛55 隋55
袁50 田50 梁50 郑50 谢45 冯45 许45 丁45 蔡40 范40 邵40 曹40 魏40 毛40 宫40 管40 苏40
鞠40 栾35 修35 逄30 矫30 臧30 綦25 衣25 初25 迟25 滕25 刁20 房25 单25 贾35 杜35 程35
唐35 罗35 何35 郝30 侯30 秦30 尹30 牟30 葛30 万25 彭25 潘25 汪20 任30 卢30 姚30 沈25
钟20 谭20 陆25 石30 金30 夏25 付30 方25 邹20 熊15 白30 孟30 邱20 江20 段20 雷15 史25
陶20 贺20 顾20 龚15 武25 钱15 戴20 严15 孔25 常20 汤15 康20 乔20 文15 施10 洪15 辛25
柴20 牛25 樊20 安20 齐20 庞15 颜15 倪15 殷15 耿20 宁15 岳20 翟15 蒋20 叶20 肖25 曾15
邓25 廖10 蔺10 仲10 战15 盛10 左15 闫20 聂10 车10 尚15 展10 卞10 鲁15 傅15 焦15 荆10
祝10 屈10 窦10 由10 位10 类5 麻5 宿10 相10 姬5 冷10 柳10 连10
欧阳2 司马1 诸葛1 上官1
"""

COMPOUND_SURNAMES = frozenset(
    ("欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐", "夏侯", "司徒")
)


def _parse_surnames(table: str) -> tuple[tuple[str, ...], tuple[int, ...]]:
    names: list[str] = []
    weights: list[int] = []
    for token in table.split():
        cut = next(i for i, c in enumerate(token) if c.isdigit())
        names.append(token[:cut])
        weights.append(int(token[cut:]))
    return tuple(names), tuple(weights)


SURNAMES, SURNAME_WEIGHTS = _parse_surnames(_SURNAME_TABLE)


def split_name(name: str) -> tuple[str, str]:
    """(surname, given name); knows the common compound surnames.

    >>> split_name("欧阳娜娜")
    ('欧阳', '娜娜')
    """
    cut = 2 if name[:2] in COMPOUND_SURNAMES else 1
    return name[:cut], name[cut:]


# Given-name pools per (sex, era): single characters (one-character names), whole
# two-character names, and first/second characters that combine into two-character names.
# Eras: "old" born before 1965, "mid" 1965–1989, "young" 1990 on.
_POOLS: dict[tuple[str, str], tuple[str, str, str, str]] = {
    ("男", "old"): (
        "明华军强平刚忠林义勇斌杰文武海山生福贵成东国德",
        "建国 建华 建军 国庆 国强 国华 卫国 卫东 爱国 志强 志刚 志明 振华 德福 永福 福生 长林 "
        "玉林 学文 文华 树林 宝山 金山 立新 红旗 胜利 援朝 保国 庆丰 新民 世明 洪亮",
        "建国志振德永长玉学文树宝金立福庆新洪家世",
        "国华军强刚明林生福山民新平才忠成东祥义贵",
    ),
    ("男", "mid"): (
        "伟勇军磊涛强斌鹏杰峰刚超明亮辉波宁健俊彬",
        "海涛 海波 海峰 建伟 晓东 晓明 晓峰 志勇 志伟 永强 文军 少华 立军 红军 建平 俊杰 鹏飞 "
        "宏伟 小龙 云飞 洪涛 春雷 振宇 国栋",
        "海建晓志永文少立红俊鹏宏小云春新金国振德",
        "伟勇军峰涛波东明强杰辉亮刚斌龙飞华平鹏磊",
    ),
    ("男", "young"): (
        "浩宇轩哲睿博涵航鑫凯阳晨昊杰帆毅然泽锐硕",
        "浩然 宇轩 子轩 梓轩 浩宇 俊杰 子豪 皓轩 一鸣 天佑 思远 博文 子墨 宇航 明轩 文博 睿泽 "
        "嘉豪 泽宇 奕辰 家乐 晨阳",
        "浩宇子梓俊皓一天思博明文睿嘉泽奕家晨佳雨",
        "轩宇然杰豪鸣佑远文墨航博泽辰睿阳涵哲铭凯",
    ),
    ("女", "old"): (
        "英兰芳珍华梅秀琴云玲凤霞翠娟萍",
        "秀英 桂英 秀兰 玉兰 桂兰 淑珍 凤英 玉梅 淑兰 秀珍 玉珍 淑英 桂珍 凤兰 秀云 桂芳 玉英 "
        "秀芳 素珍 淑华 金凤 春花",
        "秀桂玉淑凤素美金翠月春冬爱丽",
        "英兰珍梅华芳云琴荣花芬霞娥香凤",
    ),
    ("女", "mid"): (
        "丽静敏燕艳娟霞芳红丹玲萍婷洁琳颖慧莉娜雪",
        "丽娟 丽华 晓燕 晓红 海燕 海英 春燕 春梅 红梅 红霞 小红 丽丽 晓丽 晓静 雪梅 秀丽 美玲 "
        "丽萍 玉洁 婷婷 晶晶 倩倩",
        "丽晓海春红小雪秀美玉彩金艳慧静文立亚俊凤",
        "娟华燕红英梅霞丽静玲萍芳敏洁娜慧艳莉琴颖",
    ),
    ("女", "young"): (
        "欣怡婷雪琪涵悦萱妍璐瑶洁彤诺菲",
        "欣怡 梓涵 诗涵 子涵 雨涵 一诺 可馨 梦琪 思涵 语嫣 紫涵 雨欣 佳怡 欣妍 梓萱 诗琪 雅琪 "
        "若曦 心怡 嘉怡 雨桐 思彤",
        "欣梓诗子雨一可梦思语紫佳雅若心嘉晓书舒依",
        "怡涵琪诺馨欣嫣萱妍曦彤悦瑶雯婷淇璐菲月宁",
    ),
}

_ERAS = ("old", "mid", "young")
_ERA_WEIGHTS = (0.3, 0.4, 0.3)  # when the birth year is not given
_SINGLE_SHARE = {"old": 0.22, "mid": 0.42, "young": 0.22}  # one-character given names
_WHOLE_SHARE = 0.5  # of two-character names: a popular whole name rather than a combination
RARE_SHARE = 0.005

# Rare characters seen in real names; 䶮 and 㛃 are outside GBK (CJK Extension A).
RARE_CHARS = {
    "男": "䶮堃喆犇垚燚骉赟彧翀昉昇淼頔旸",
    "女": "玥珺玙祎琤㛃婳淼",
}


def era_of(birth_year: int) -> str:
    """The naming era of a birth year: "old" (<1965), "mid" (1965–1989) or "young"."""
    if birth_year < 1965:
        return "old"
    return "mid" if birth_year < 1990 else "young"


class NameGenerator:
    """Draws person names; all randomness comes from the `random.Random` it was given."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._surname_cum = tuple(accumulate(SURNAME_WEIGHTS))
        self._surname_total = float(self._surname_cum[-1])
        self._pools = {
            key: (single, tuple(whole.split()), first, second)
            for key, (single, whole, first, second) in _POOLS.items()
        }

    def surname(self) -> str:
        """A surname drawn by its (approximate) share of the population."""
        return SURNAMES[bisect(self._surname_cum, self._rng.random() * self._surname_total)]

    def given_name(self, sex: str, birth_year: int | None = None) -> str:
        """A one- or two-character given name typed by sex and era of birth."""
        if sex not in SEXES:
            raise ValueError(f"性别应为“男”或“女”：{sex!r}")
        rng = self._rng
        if birth_year is None:
            r = rng.random()
            era = "old" if r < _ERA_WEIGHTS[0] else ("mid" if r < 0.7 else "young")
        else:
            era = era_of(birth_year)
        single, whole, first, second = self._pools[(sex, era)]
        if rng.random() < _SINGLE_SHARE[era]:
            given = single[int(rng.random() * len(single))]
        elif rng.random() < _WHOLE_SHARE:
            given = whole[int(rng.random() * len(whole))]
        else:
            a = first[int(rng.random() * len(first))]
            b = second[int(rng.random() * len(second))]
            given = a + b if a != b else a
        if rng.random() < RARE_SHARE:
            rare = RARE_CHARS[sex]
            given = given[:-1] + rare[int(rng.random() * len(rare))]
        return given

    def person_name(self, sex: str, birth_year: int | None = None) -> str:
        """A full name for a person of sex "男" or "女" (era-typed when `birth_year` is given)."""
        return self.surname() + self.given_name(sex, birth_year)


def _groups_to_table(groups: str) -> dict[str, tuple[str, ...]]:
    table: dict[str, tuple[str, ...]] = {}
    for group in groups.split():
        for c in group:
            table[c] = tuple(o for o in group if o != c)
    return table


# Same pinyin (tones ignored, as a pinyin input method ignores them), different character.
# Each group is one syllable; a character appears in one group only.
_HOMOPHONE_GROUPS = """
伟玮炜韦维唯 静婧靖敬晶菁京经精 丽莉俐力立利 明铭鸣名茗 军君钧均 俊峻骏珺 华桦骅花 芳方
峰锋丰枫风 杰洁婕捷 磊垒蕾雷 强蔷 涛韬滔 勇永咏泳 刚钢纲 斌彬滨宾 鹏朋彭 辉晖慧惠 波博渤
宁凝 健建剑鉴 红宏洪鸿虹弘 燕艳雁彦 妍岩颜研 霞侠 玲凌灵铃 琳林霖 萍平苹坪 婷庭廷亭 敏民珉
娟鹃涓 梅玫媚美 英莹颖瑛 兰岚澜蓝 云芸韵运 珍真贞 琴芹勤秦 秀绣修 凤奉 梦孟萌蒙 雪学 娜纳
丹旦 国帼郭 志智治致 宇雨羽禹语玉 浩昊皓 豪毫 轩宣萱暄 子梓紫姿 涵寒含晗韩 怡宜仪 依伊
欣新心馨鑫昕 佳嘉家 晨辰臣陈 思斯丝 文雯闻 诗师 琪淇棋琦祺奇 瑶遥尧姚 悦越月跃岳 彤桐童
晓小笑孝 春纯 东冬 亮良梁 超朝 龙隆珑 飞菲妃 航杭 阳扬杨洋 睿瑞锐蕊 泽则 天田甜 远源媛元园
娇姣 荣容蓉融 桂贵 淑舒书 兵冰 成诚程承城 德得 福富芙 胜圣盛 庆青清晴卿 凯楷恺 帆凡樊 毅艺
哲喆 然冉 金今锦津 山珊杉姗 生升声笙 秋邱丘 王汪 张章彰 李理礼 刘留柳 黄皇煌凰 赵照兆昭
吴武伍 周洲舟州 徐许旭 马玛 朱珠诸 胡湖 何河和荷 高皋 罗洛骆 郑正政峥 海亥 亚雅 倩茜
薇微威 露璐路鹭 娥鹅 香湘祥翔 莎沙 琼穷 兴星 婉宛 栋动
"""
HOMOPHONES: dict[str, tuple[str, ...]] = _groups_to_table(_HOMOPHONE_GROUPS)
"""Character → characters with the same pinyin (a pinyin input method's wrong pick)."""

# Visually similar characters (a misread form or a handwriting-recognition slip).
_SIMILAR_GROUPS = """
王玉主 未末 己已巳 日曰 戊戌戍 侯候 斌赟 土士 人入 大太犬 天夭 千干于 午牛 甲由申田 刀力
免兔 鸟乌 折拆 徒徙 辨辩辫 茶荼 拔拨 贝见 晴睛 杨扬 余佘 任仁 沈沉 梁粱 宋宗 曹槽 曾增
肖霄 董懂 蒋将 程呈 魏巍 姜姿 崔催 范苑 贾贡 戴载 孟盂 邢刑 陈阵 李季 刘浏 张账 徐途
孙逊 何河 郑邓 峰锋蜂 俊峻骏 辉晖 勇涌 霞瑕 萍苹 宇字 怡恰 博搏 晓烧 建健键 亭停婷 永水冰
贵贯 新亲 清青 冉再 金全 玲铃 琳淋 凤风 桂挂 珍诊 娟涓 淑叔 芳坊 涛祷 明朋 延廷 兵丘
"""
SIMILAR_CHARS: dict[str, tuple[str, ...]] = _groups_to_table(_SIMILAR_GROUPS)
"""Character → visually similar characters."""
