"""The words and patterns the address parser reads (`shibei.standardize.address_parse`):
road, town, devzone, community and village suffixes, poi and sub-poi vocabularies, place
words (assist). Data only; the rules that use them are in the parser."""

from __future__ import annotations

import re

# 街 followed by another suffix is the road's name (新街大道); 街道 is a town, not a road
ROAD_SUFFIX = r"(?:支路|路(?!口)|大道|大街|街(?!道|大道|路|大街)|(?<!街)道(?!办)|巷|胡同|公路|环路)"
ROAD_AFTER = re.compile(rf"[东西南北中]?[一二三四五六七八九十0-9]{{0,3}}{ROAD_SUFFIX}")
# the letters a ROAD_AFTER match may start with (a cheap test before the regex)
ROAD_AFTER_FIRST = frozenset("东西南北中一二三四五六七八九十0123456789支路大街道巷胡公环")
GUARD_AFTER = re.compile(
    r"大厦|饭店|宾馆|酒店|大学|学院|银行|中学|小学|医院|公司|商城|商场|广场|花园|小区|公寓|新村"
    r"|大楼|大院|市场|工业园|剧院|影院|体育|火车站|站|港|湾|机场|码头|路口|里|村|庄|屯|湖|山"
    r"|街道|社区|镇|乡|苑|园|府|邸|阁"
)
# a village's group (村民小组) is a road in the labelling scheme: 王家一组, 三队, 后郢村民组
GROUP_SUFFIX = r"(?:村民小组|居民小组|村民组|小组|组|队)"
ROAD = re.compile(
    rf"[^\s0-9]{{1,12}}?[东西南北中]?[一二三四五六七八九十0-9]{{0,3}}{ROAD_SUFFIX}|"
    rf"[^\s0-9]{{0,12}}?[0-9]{{1,3}}号?{ROAD_SUFFIX}|"  # 东风3路, 18号大街
    r"[^\s0-9]{0,12}?[GSX]?[0-9]{2,3}(?:国道|省道|县道)|"  # 104国道, G104国道, 03省道
    rf"[^\s0-9]{{0,6}}?第?[一二三四五六七八九十]{{1,3}}{GROUP_SUFFIX}|"
    r"[^\s0-9]{1,6}?(?:村民小组|居民小组|村民组)"
)
# a section of the road before it is a subroad (人民南路 + 四段, 文三路 + 东段, 一环路 + 南三段)
SECTION = re.compile(r"(?:[东西南北中][一二三四五六七八九十]{0,3}|[一二三四五六七八九十]{1,3})段")
ROAD_FULL = re.compile(rf"(?:{ROAD.pattern})$")
# every ROAD match holds one of these (its suffix's last letter, or 组): a cheap test first
ROAD_LETTERS = frozenset("路道街巷同组队")
TOWN = re.compile(r"[^\s0-9路街巷道号区村]{2,6}?(?:街道办事处|街道|镇|乡)(?![路街道巷])")
DEVZONE = re.compile(
    r"[^\s0-9路街巷]{0,10}?(?:经济技术开发区|经济开发区|技术开发区|高新技术产业开发区|高新区"
    r"|开发区|工业园区|工业区|保税区|产业园区|科技园区|综合保税区|出口加工区)"
)
DEVZONE_LETTER = "区"  # every DEVZONE match ends with it
# the national-level new areas (国家级新区, as the State Council approved them) that are no
# division of their own: written between a city and its district or a road (青岛市 +
# 西海岸新区 + 长江中路, 保定市 + 雄安新区 + 容城县); 浦东新区 and 滨海新区 are districts
NEW_AREA = re.compile(
    r"西海岸新区|雄安新区|两江新区|舟山群岛新区|兰州新区|南沙新区|西咸新区|贵安新区|金普新区"
    r"|天府新区|湘江新区|江北新区|福州新区|滇中新区|哈尔滨新区|长春新区|赣江新区"
)
NEW_AREA_FIRST = frozenset(name[0] for name in NEW_AREA.pattern.split("|"))
DEVZONE_DIVISION = (
    "开发区", "园区", "示范区", "管理区", "试验区", "实验区", "高新区", "工业区", "工业园",
    "产业园", "科技园", "保税区",
)  # fmt: skip
COMMUNITY = re.compile(
    r"[^\s0-9]{1,10}?(?:社区居民委员会|社区居委会|社区|居民委员会|居委会|村民委员会|村委会"
    r"|村委|居委|居民区)"
)
# 村 ends a village (行政村 or 自然村) unless a road, a place word, a town or 村民(小)组 goes
# on: 下宅村, 李家自然村; not 下宅村路, 村口, 后郢村民组
VILLAGE = re.compile(
    r"[^\s0-9]{1,4}?(?:村自然村|自然村|村)(?![路街道巷口信镇乡庄民]|花园|小区|公寓|家园|大厦|广场"
    r"|[东西南北中]{0,2}大[街道])"  # 中关村大街, 中关村南大街: roads (村 + 东路 stays two)
)
# a natural village inside an administrative one: a second community (张家村 + 李家自然村)
NATURAL_VILLAGE = "自然村"
# every COMMUNITY match holds 社, 委 or 居 (居民区), every VILLAGE match 村
COMMUNITY_LETTERS = frozenset("社委村居")
POI_END = re.compile(
    r"小区|花园|公寓|大厦|广场|家园|新村|山庄|中心|大楼|商城|市场|公司|医院|学校|宾馆|酒店"
    r"|饭店|公园|苑|园|庭|府|城|院"
)
# a poi word, or a branch named after its road (文三路店, 延安路支行), ending a word
POI_ONLY = re.compile(rf"(?:{POI_END.pattern}|店|分店|支行|分行|营业厅|营业部)$")
ASSIST_WORDS = (
    r"斜对面|正对面|对面|对门|旁边|附近|隔壁|十字路口|交叉口|交汇处|交界处|路口|东侧|西侧|南侧"
    r"|北侧|往东|往西|往南|往北|向东|向西|向南|向北|东面|西面|南面|北面|东边|西边|南边|北边"
    r"|东首|西首|南首|北首|后面|前面|里面|东北角|西北角|东南角|西南角|转角|拐角|边上|楼下|门口"
    r"|对过"
)
ASSIST = re.compile(ASSIST_WORDS)
ASSIST_FIRST = frozenset(word[0] for word in ASSIST_WORDS.split("|"))
# a direction before a distance (…东50米, 往西约100米) and what may follow it (左右, 处)
DIRECTION_TAIL = re.compile(r"(?:往|向|朝)?[东西南北]{1,2}(?:方向)?(?:约|大约)?$")
DISTANCE_AFTER = re.compile(r"左右|处|远")
# at the end of a name: 新华书店旁边, 超市旁
# (内: 华阳小区内, inside the place)
ASSIST_TAIL = re.compile(rf"(?:{ASSIST_WORDS}|旁|内)$")
ASSIST_TAIL_LAST = frozenset(word[-1] for word in [*ASSIST_WORDS.split("|"), "旁", "内"])
# a person the parcel is for, at the end of an address: 张先生, 王女士
PERSON_WORDS = ("先生", "女士", "小姐", "师傅")
PERSON_TAIL = re.compile(rf"[\u4e00-\u9fff](?:{'|'.join(PERSON_WORDS)})$")
PERSON_TAIL_LAST = frozenset(word[-1] for word in PERSON_WORDS)
# a delivery note ending the address carries no place (`redundant`): 电联 ("call first"),
# 请电联, 送货前电联, 电话联系, 打电话, 代收, 转交
NOTE_TAIL = re.compile(
    r"(?:(?:请|先|须|需|要|务必)?(?:送货前|到了|到后)?(?:电联|电话联系|打电话|来电|致电)"
    r"|代收|转交)$"
)
NOTE_TAIL_LAST = frozenset("联系话电收交")
# one poi inside another: 浙江大学 + 玉泉校区, 国际商贸城 + 一区
POI_HEAD = re.compile(
    r"大学|学院|医院|小区|花园|广场|大厦|公司|商城|市场|公寓|家园|新村|山庄|园区|酒店|宾馆|中学|小学"
    r"|城(?!市)"
)
SUBPOI_TAIL = re.compile(
    r"(?:校区|分校|院区|分院|门诊部|住院部|分店|分公司|[东西南北一二三四五六七八九十0-9A-Z]区"
    r"|[一二三四五六七八九十0-9]期|大楼|教学楼|综合楼|办公楼|宿舍楼|食堂|体育馆|图书馆"
    r"|[东西南北正后侧]门"
    # a named building, block or tenant inside: 西溪花园 + 凤凰苑, 华星广场 + 某某科技有限公司
    r"|(?P<named>苑|阁|轩|居|公司|店|超市|银行|大厦|公寓|大楼|中心))$"
)
SUBPOI_TAIL_LAST = frozenset("区校院部店司期楼堂馆门苑阁轩居市行厦寓心")  # what it ends with
# a named part inside a place (`_named_part_start`): the place's own compound word, then a
# name ending with a building, gate, office or shop word
PLACE_HEAD = re.compile(
    rf"{POI_HEAD.pattern}|苑|中心|大楼|公园|工业园|产业园|科技园|家属院|商场|超市"
)
PLACE_REST = re.compile(
    r"(?:苑|园|阁|轩|居|府|庭|大厦|公寓|大楼|中心|公司|店|超市|银行|门|室|部|厅|馆|楼|站|物业"
    r"|门卫|仓库|车间|宿舍|食堂|处|所|科|[东西南北中A-Z0-9一二三四五六七八九十]区)$"
)
PLACE_REST_LAST = frozenset("苑园阁轩居府庭厦寓楼心司店市行门室部厅馆站业卫库间舍堂处所科区")
# a road after another, joined: 文三路与古翠路 (the joining word places the crossing: assist)
ROAD_JOIN = frozenset("与跟交和及")
# a compound (or a part of one) whose N号 is a building: 华阳小区3号; after another place
# word N号 is a door number (西湾头12号, 五金市场8号)
COMPOUND_END = re.compile(
    r"(?:小区|花园|苑|公寓|家园|新村|山庄|大厦|广场|城|庭|府|园|居|邸|湾|阁|里|坊|墅|大楼|中心"
    r"|期|区)$"
)
# a number with a road suffix after it names a road: 东风3路, 18号大街, 1支路
NUMBERED_ROAD = re.compile(
    rf"[0-9]{{1,3}}号?{ROAD_SUFFIX}|[GSX]?[0-9]{{2,3}}(?:国道|省道|县道)"  # 104国道, G104国道
)

# a unit, door or floor named by a word after a building, unit or floor: 东单元, 二梯 (cellno),
# 东户, 中间户, 西边套 (roomno: 户号), 底楼, 顶层 (floorno)
HOUSE_WORD = re.compile(
    r"(?P<cellno>(?:[东西中]|中间)(?:单元|梯)|(?P<stair>[一二三四五六七八九十]{1,2})梯)"
    r"|(?P<roomno>(?:[东西南北中]|中间|东边|西边)(?:户|套))"
    r"|(?P<floorno>底楼|底层|顶楼|顶层)"
)
HOUSE_WORD_FIRST = frozenset("东西南北中一二三四五六七八九十底顶")
# a generic facility word after a road name makes the whole a place, not a road:
# 中山路小学, 解放路派出所, 延安路菜场 (the road only names the place)
FACILITY = re.compile(
    r"(?:小学|中学|幼儿园|派出所|菜场|菜市场|农贸市场|邮局|邮政所|卫生院|卫生室|诊所|加油站"
    r"|公交站|汽车站|客运站)$"
)
