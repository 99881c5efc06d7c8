"""The demo's product lines: each merchant's bases crossed with its editions.

Texts are given in the four languages. Prices are in EUR, weights in grams; HS codes
are plausible 10-digit Chinese tariff codes for the goods.
"""

L = ("zh-hans", "fr", "nl", "en")


def t(zh, fr, nl, en):
    return dict(zip(L, (zh, fr, nl, en), strict=True))


def size(grams_text):
    return grams_text  # a language-neutral attribute value, e.g. "250 g"


LINES = {
    "maison-verhaeghe": {
        "category": "pralines",
        "hs": "1806900000",
        "tax": "ordinary-13",
        "bases": [
            {
                "name": t(
                    "果仁糖礼盒",
                    "Ballotin de pralines",
                    "Ballotin pralines",
                    "Praline ballotin",
                ),
                "desc": t(
                    "手工填馅的比利时果仁糖，装在经典纸盒中。",
                    "Pralines belges garnies à la main, présentées dans le ballotin traditionnel.",
                    "Met de hand gevulde Belgische pralines in de klassieke ballotin.",
                    "Hand-filled Belgian pralines in the traditional ballotin box.",
                ),
                "ing": t(
                    "可可块、糖、可可脂、全脂奶粉、榛子、黄油、香草。可能含有坚果。",
                    "Pâte de cacao, sucre, beurre de cacao, lait entier en poudre, noisettes, beurre, vanille. Peut contenir des fruits à coque.",
                    "Cacaomassa, suiker, cacaoboter, volle melkpoeder, hazelnoten, boter, vanille. Kan noten bevatten.",
                    "Cocoa mass, sugar, cocoa butter, whole milk powder, hazelnuts, butter, vanilla. May contain nuts.",
                ),
                "net": 250,
                "price": "24.50",
                "variants": [
                    ("250", {"weight": "250 g"}, "1", 1),
                    ("500", {"weight": "500 g"}, "1.9", 2),
                    ("1000", {"weight": "1 kg"}, "3.6", 4),
                ],
            },
            {
                "name": t("松露巧克力", "Truffes", "Truffels", "Truffles"),
                "desc": t(
                    "入口即化的甘纳许松露，表面裹可可粉。",
                    "Truffes à la ganache fondante, roulées dans le cacao.",
                    "Smeuïge ganachetruffels, gerold in cacao.",
                    "Melting ganache truffles rolled in cocoa.",
                ),
                "ing": t(
                    "可可块、奶油、糖、可可粉、黄油。",
                    "Pâte de cacao, crème, sucre, cacao en poudre, beurre.",
                    "Cacaomassa, room, suiker, cacaopoeder, boter.",
                    "Cocoa mass, cream, sugar, cocoa powder, butter.",
                ),
                "net": 200,
                "price": "19.00",
                "variants": [
                    ("200", {"weight": "200 g"}, "1", 1),
                    ("400", {"weight": "400 g"}, "1.9", 2),
                ],
            },
            {
                "name": t("糖渍橙皮巧克力", "Orangettes", "Orangettes", "Orangettes"),
                "desc": t(
                    "糖渍橙皮条裹上黑巧克力。",
                    "Écorces d'orange confites enrobées de chocolat noir.",
                    "Gekonfijte sinaasappelschilletjes in pure chocolade.",
                    "Candied orange peel dipped in dark chocolate.",
                ),
                "ing": t(
                    "橙皮、糖、可可块、可可脂。",
                    "Écorces d'orange, sucre, pâte de cacao, beurre de cacao.",
                    "Sinaasappelschil, suiker, cacaomassa, cacaoboter.",
                    "Orange peel, sugar, cocoa mass, cocoa butter.",
                ),
                "net": 150,
                "price": "16.50",
                "variants": [("150", {"weight": "150 g"}, "1", 1)],
            },
            {
                "name": t("杏仁糖巧克力", "Mendiants", "Mendiants", "Mendiants"),
                "desc": t(
                    "巧克力圆片点缀烤坚果和干果。",
                    "Disques de chocolat garnis de fruits secs grillés.",
                    "Chocoladeschijfjes met geroosterde noten en gedroogd fruit.",
                    "Chocolate discs topped with roasted nuts and dried fruit.",
                ),
                "ing": t(
                    "可可块、糖、杏仁、榛子、葡萄干、开心果。",
                    "Pâte de cacao, sucre, amandes, noisettes, raisins, pistaches.",
                    "Cacaomassa, suiker, amandelen, hazelnoten, rozijnen, pistache.",
                    "Cocoa mass, sugar, almonds, hazelnuts, raisins, pistachios.",
                ),
                "net": 180,
                "price": "15.00",
                "variants": [("180", {"weight": "180 g"}, "1", 1)],
            },
        ],
        "editions": [
            {"name": t("经典", "Classique", "Klassiek", "Classic"), "factor": "1"},
            {
                "name": t("浓黑72%", "Noir 72 %", "Puur 72%", "Dark 72%"),
                "factor": "1.05",
            },
            {
                "name": t("牛奶焦糖", "Lait caramel", "Melk karamel", "Milk caramel"),
                "factor": "1",
            },
            {
                "name": t(
                    "节日限定", "Édition des fêtes", "Feesteditie", "Festive edition"
                ),
                "factor": "1.2",
            },
        ],
    },
    "pralines-lemaire": {
        "category": "chocolate-bars",
        "hs": "1806320000",
        "tax": "ordinary-13",
        "bases": [
            {
                "name": t(
                    "单一产地巧克力排块",
                    "Tablette d'origine",
                    "Origine-reep",
                    "Single-origin bar",
                ),
                "desc": t(
                    "单一产地可可制作，慢速精磨72小时。",
                    "Un cacao d'une seule origine, conché lentement pendant 72 heures.",
                    "Cacao van één herkomst, 72 uur langzaam geconcheerd.",
                    "Cacao from a single origin, slowly conched for 72 hours.",
                ),
                "ing": t(
                    "可可豆、糖、可可脂。",
                    "Fèves de cacao, sucre, beurre de cacao.",
                    "Cacaobonen, suiker, cacaoboter.",
                    "Cocoa beans, sugar, cocoa butter.",
                ),
                "net": 100,
                "price": "6.50",
                "variants": [
                    ("1", {"pack": t("1块", "1 tablette", "1 reep", "1 bar")}, "1", 1),
                    (
                        "5",
                        {"pack": t("5块装", "Lot de 5", "5 repen", "Pack of 5")},
                        "4.6",
                        5,
                    ),
                ],
            },
            {
                "name": t(
                    "榛子夹心排块",
                    "Tablette fourrée praliné",
                    "Reep met pralinévulling",
                    "Praliné-filled bar",
                ),
                "desc": t(
                    "厚实的巧克力排块，内含烤榛子果仁酱。",
                    "Une tablette épaisse fourrée de praliné aux noisettes grillées.",
                    "Een dikke reep gevuld met praliné van geroosterde hazelnoten.",
                    "A thick bar filled with roasted-hazelnut praliné.",
                ),
                "ing": t(
                    "糖、榛子、可可脂、可可块、全脂奶粉。",
                    "Sucre, noisettes, beurre de cacao, pâte de cacao, lait entier en poudre.",
                    "Suiker, hazelnoten, cacaoboter, cacaomassa, volle melkpoeder.",
                    "Sugar, hazelnuts, cocoa butter, cocoa mass, whole milk powder.",
                ),
                "net": 120,
                "price": "7.20",
                "hs": "1806310000",
                "variants": [
                    ("1", {"pack": t("1块", "1 tablette", "1 reep", "1 bar")}, "1", 1),
                    (
                        "5",
                        {"pack": t("5块装", "Lot de 5", "5 repen", "Pack of 5")},
                        "4.6",
                        5,
                    ),
                ],
            },
            {
                "name": t(
                    "热巧克力碎",
                    "Chocolat à fondre",
                    "Smeltchocolade",
                    "Hot-chocolate flakes",
                ),
                "desc": t(
                    "倒入热牛奶即可做成浓郁的比利时热巧克力。",
                    "À verser dans du lait chaud pour un vrai chocolat chaud belge.",
                    "In warme melk roeren voor echte Belgische warme chocolade.",
                    "Stir into hot milk for a real Belgian hot chocolate.",
                ),
                "ing": t(
                    "可可块、糖、可可脂。",
                    "Pâte de cacao, sucre, beurre de cacao.",
                    "Cacaomassa, suiker, cacaoboter.",
                    "Cocoa mass, sugar, cocoa butter.",
                ),
                "net": 250,
                "price": "9.80",
                "hs": "1806900000",
                "variants": [("250", {"weight": "250 g"}, "1", 1)],
            },
        ],
        "editions": [
            {"name": t("秘鲁70%", "Pérou 70 %", "Peru 70%", "Peru 70%"), "factor": "1"},
            {
                "name": t(
                    "马达加斯加64%",
                    "Madagascar 64 %",
                    "Madagaskar 64%",
                    "Madagascar 64%",
                ),
                "factor": "1.05",
            },
            {
                "name": t(
                    "厄瓜多尔牛奶43%",
                    "Équateur lait 43 %",
                    "Ecuador melk 43%",
                    "Ecuador milk 43%",
                ),
                "factor": "0.95",
            },
            {
                "name": t("越南80%", "Vietnam 80 %", "Vietnam 80%", "Vietnam 80%"),
                "factor": "1.1",
            },
        ],
    },
    "bakkerij-de-smet": {
        "category": "biscuits-waffles",
        "hs": "1905310000",
        "tax": "ordinary-13",
        "bases": [
            {
                "name": t("焦糖饼干", "Spéculoos", "Speculoos", "Speculoos"),
                "desc": t(
                    "用木模压制的传统香料焦糖饼干，口感酥脆。",
                    "Le biscuit épicé traditionnel, pressé dans un moule en bois, bien croquant.",
                    "Het traditionele kruidige koekje, in een houten vorm gedrukt, lekker knapperig.",
                    "The traditional spiced biscuit, pressed in a wooden mould, crisp.",
                ),
                "ing": t(
                    "小麦粉、红糖、黄油、肉桂、丁香、肉豆蔻、膨松剂。",
                    "Farine de blé, cassonade, beurre, cannelle, clou de girofle, muscade, poudre à lever.",
                    "Tarwebloem, bruine suiker, boter, kaneel, kruidnagel, nootmuskaat, rijsmiddel.",
                    "Wheat flour, brown sugar, butter, cinnamon, clove, nutmeg, raising agent.",
                ),
                "net": 300,
                "price": "6.90",
                "variants": [
                    ("300", {"weight": "300 g"}, "1", 1),
                    ("900", {"weight": "900 g"}, "2.7", 3),
                ],
            },
            {
                "name": t(
                    "焦糖饼干抹酱",
                    "Pâte de spéculoos",
                    "Speculoospasta",
                    "Speculoos spread",
                ),
                "desc": t(
                    "把焦糖饼干磨成顺滑抹酱，适合面包和甜点。",
                    "Nos spéculoos broyés en une pâte onctueuse, pour les tartines et les desserts.",
                    "Onze speculoos fijngemalen tot een smeuïge pasta, voor op brood en in desserts.",
                    "Our speculoos ground into a smooth spread, for bread and desserts.",
                ),
                "ing": t(
                    "焦糖饼干（小麦粉、红糖、黄油、香料）、菜籽油、糖。",
                    "Spéculoos (farine de blé, cassonade, beurre, épices), huile de colza, sucre.",
                    "Speculoos (tarwebloem, bruine suiker, boter, kruiden), koolzaadolie, suiker.",
                    "Speculoos (wheat flour, brown sugar, butter, spices), rapeseed oil, sugar.",
                ),
                "net": 380,
                "price": "5.50",
                "hs": "2106909090",
                "variants": [("380", {"weight": "380 g"}, "1", 1)],
            },
            {
                "name": t(
                    "圣尼古拉饼干人",
                    "Spéculoos de Saint-Nicolas",
                    "Sinterklaasspeculaas",
                    "Saint Nicholas speculoos",
                ),
                "desc": t(
                    "比利时圣尼古拉节的大块人形焦糖饼干。",
                    "Le grand personnage en spéculoos de la Saint-Nicolas belge.",
                    "De grote speculaaspop van het Belgische Sinterklaasfeest.",
                    "The large figure of speculoos made for Belgium's Saint Nicholas day.",
                ),
                "ing": t(
                    "小麦粉、红糖、黄油、杏仁、香料。",
                    "Farine de blé, cassonade, beurre, amandes, épices.",
                    "Tarwebloem, bruine suiker, boter, amandelen, kruiden.",
                    "Wheat flour, brown sugar, butter, almonds, spices.",
                ),
                "net": 400,
                "price": "9.50",
                "variants": [("400", {"weight": "400 g"}, "1", 1)],
            },
        ],
        "editions": [
            {"name": t("原味", "Nature", "Natuur", "Original"), "factor": "1"},
            {"name": t("杏仁", "Amandes", "Amandel", "Almond"), "factor": "1.15"},
            {
                "name": t(
                    "黑巧克力", "Chocolat noir", "Pure chocolade", "Dark chocolate"
                ),
                "factor": "1.25",
            },
            {"name": t("有机", "Bio", "Bio", "Organic"), "factor": "1.3"},
        ],
    },
    "gaufres-hennuyeres": {
        "category": "biscuits-waffles",
        "hs": "1905320000",
        "tax": "ordinary-13",
        "bases": [
            {
                "name": t(
                    "列日华夫饼", "Gaufres de Liège", "Luikse wafels", "Liège waffles"
                ),
                "desc": t(
                    "含珍珠糖的发酵面团华夫饼，外层焦糖化。",
                    "Pâte levée au sucre perlé, caramélisée à la cuisson.",
                    "Gerezen deeg met parelsuiker, gekaramelliseerd tijdens het bakken.",
                    "Yeast dough with pearl sugar, caramelised as it bakes.",
                ),
                "ing": t(
                    "小麦粉、珍珠糖、黄油、鸡蛋、酵母、香草。",
                    "Farine de blé, sucre perlé, beurre, œufs, levure, vanille.",
                    "Tarwebloem, parelsuiker, boter, eieren, gist, vanille.",
                    "Wheat flour, pearl sugar, butter, eggs, yeast, vanilla.",
                ),
                "net": 540,
                "price": "8.40",
                "variants": [
                    (
                        "6",
                        {"pack": t("6片装", "6 gaufres", "6 wafels", "6 waffles")},
                        "1",
                        1,
                    ),
                    (
                        "12",
                        {"pack": t("12片装", "12 gaufres", "12 wafels", "12 waffles")},
                        "1.85",
                        2,
                    ),
                ],
            },
            {
                "name": t(
                    "薄脆华夫饼",
                    "Galettes fines",
                    "Dunne wafeltjes",
                    "Thin waffle biscuits",
                ),
                "desc": t(
                    "薄而脆的黄油华夫饼干，适合配咖啡。",
                    "Fines galettes au beurre, croustillantes, pour le café.",
                    "Dunne boterwafeltjes, krokant, bij de koffie.",
                    "Thin, crisp butter waffle biscuits for coffee.",
                ),
                "ing": t(
                    "小麦粉、黄油、糖、鸡蛋。",
                    "Farine de blé, beurre, sucre, œufs.",
                    "Tarwebloem, boter, suiker, eieren.",
                    "Wheat flour, butter, sugar, eggs.",
                ),
                "net": 250,
                "price": "5.90",
                "hs": "1905310000",
                "variants": [("250", {"weight": "250 g"}, "1", 1)],
            },
            {
                "name": t(
                    "华夫饼夹心", "Gaufres fourrées", "Gevulde wafels", "Filled waffles"
                ),
                "desc": t(
                    "两片薄华夫饼夹入柔滑内馅。",
                    "Deux fines gaufres réunies par une garniture fondante.",
                    "Twee dunne wafels met een smeuïge vulling.",
                    "Two thin waffles joined by a soft filling.",
                ),
                "ing": t(
                    "小麦粉、糖、黄油、鸡蛋、糖浆。",
                    "Farine de blé, sucre, beurre, œufs, sirop.",
                    "Tarwebloem, suiker, boter, eieren, stroop.",
                    "Wheat flour, sugar, butter, eggs, syrup.",
                ),
                "net": 300,
                "price": "7.20",
                "variants": [("300", {"weight": "300 g"}, "1", 1)],
            },
        ],
        "editions": [
            {"name": t("香草", "Vanille", "Vanille", "Vanilla"), "factor": "1"},
            {"name": t("肉桂", "Cannelle", "Kaneel", "Cinnamon"), "factor": "1"},
            {
                "name": t(
                    "黑巧克力蘸层",
                    "Trempées chocolat noir",
                    "Gedoopt in pure chocolade",
                    "Dark-chocolate dipped",
                ),
                "factor": "1.3",
            },
            {"name": t("枫糖", "Érable", "Ahorn", "Maple"), "factor": "1.1"},
        ],
    },
    "brasserie-val-ourthe": {
        "category": "beer",
        "hs": "2203000000",
        "tax": "beer",
        "unit": "ml",
        "bases": [
            {
                "name": t(
                    "修道院风格金啤", "Blonde d'abbaye", "Abdijblond", "Abbey blonde"
                ),
                "desc": t(
                    "金色啤酒，果香与辛香平衡，瓶内二次发酵。",
                    "Une blonde aux notes fruitées et épicées, refermentée en bouteille.",
                    "Een blond bier met fruitige en kruidige tonen, hergist op de fles.",
                    "A golden beer with fruity and spicy notes, bottle-conditioned.",
                ),
                "ing": t(
                    "水、大麦芽、小麦、啤酒花、酵母、糖。酒精度6.5%。",
                    "Eau, malt d'orge, froment, houblon, levure, sucre. 6,5 % vol.",
                    "Water, gerstemout, tarwe, hop, gist, suiker. 6,5% vol.",
                    "Water, barley malt, wheat, hops, yeast, sugar. 6.5% ABV.",
                ),
                "net": 330,
                "price": "3.20",
                "variants": [
                    ("33", {"volume": "33 cl"}, "1", 1),
                    (
                        "6x33",
                        {"pack": t("6瓶装", "Pack de 6", "6-pack", "Pack of 6")},
                        "5.5",
                        6,
                    ),
                    (
                        "24x33",
                        {
                            "pack": t(
                                "24瓶整箱", "Caisse de 24", "Bak van 24", "Case of 24"
                            )
                        },
                        "20",
                        24,
                    ),
                ],
            },
            {
                "name": t(
                    "修道院风格双料黑啤", "Double brune", "Dubbel bruin", "Dark dubbel"
                ),
                "desc": t(
                    "深色麦芽带来焦糖与果干风味。",
                    "Les malts torréfiés donnent des notes de caramel et de fruits secs.",
                    "Geroosterde mouten geven tonen van karamel en gedroogd fruit.",
                    "Roasted malts give notes of caramel and dried fruit.",
                ),
                "ing": t(
                    "水、大麦芽、焦糖糖浆、啤酒花、酵母。酒精度7.5%。",
                    "Eau, malt d'orge, sucre candi, houblon, levure. 7,5 % vol.",
                    "Water, gerstemout, kandijsuiker, hop, gist. 7,5% vol.",
                    "Water, barley malt, candi sugar, hops, yeast. 7.5% ABV.",
                ),
                "net": 330,
                "price": "3.40",
                "variants": [
                    ("33", {"volume": "33 cl"}, "1", 1),
                    (
                        "6x33",
                        {"pack": t("6瓶装", "Pack de 6", "6-pack", "Pack of 6")},
                        "5.5",
                        6,
                    ),
                ],
            },
            {
                "name": t("三料金啤", "Triple", "Tripel", "Tripel"),
                "desc": t(
                    "酒体饱满、口感干爽的高度金啤。",
                    "Une triple puissante et sèche, à la mousse généreuse.",
                    "Een krachtige, droge tripel met een royale schuimkraag.",
                    "A strong, dry tripel with a generous head.",
                ),
                "ing": t(
                    "水、大麦芽、糖、啤酒花、酵母、芫荽。酒精度8.5%。",
                    "Eau, malt d'orge, sucre, houblon, levure, coriandre. 8,5 % vol.",
                    "Water, gerstemout, suiker, hop, gist, koriander. 8,5% vol.",
                    "Water, barley malt, sugar, hops, yeast, coriander. 8.5% ABV.",
                ),
                "net": 330,
                "price": "3.60",
                "variants": [
                    ("33", {"volume": "33 cl"}, "1", 1),
                    (
                        "6x33",
                        {"pack": t("6瓶装", "Pack de 6", "6-pack", "Pack of 6")},
                        "5.5",
                        6,
                    ),
                ],
            },
            {
                "name": t("季节啤酒", "Saison", "Saison", "Saison"),
                "desc": t(
                    "清爽的农场风格啤酒，带柑橘和胡椒香气。",
                    "Une bière de ferme rafraîchissante aux arômes d'agrumes et de poivre.",
                    "Een verfrissend boerenbier met citrus- en peperaroma's.",
                    "A refreshing farmhouse ale with citrus and pepper aromas.",
                ),
                "ing": t(
                    "水、大麦芽、斯佩尔特小麦、啤酒花、酵母。酒精度6%。",
                    "Eau, malt d'orge, épeautre, houblon, levure. 6 % vol.",
                    "Water, gerstemout, spelt, hop, gist. 6% vol.",
                    "Water, barley malt, spelt, hops, yeast. 6% ABV.",
                ),
                "net": 750,
                "price": "7.50",
                "variants": [("75", {"volume": "75 cl"}, "1", 2)],
            },
        ],
        "editions": [
            {"name": t("经典", "Classique", "Klassiek", "Classic"), "factor": "1"},
            {
                "name": t(
                    "橡木桶陈酿",
                    "Vieillie en fût de chêne",
                    "Gerijpt op eikenhout",
                    "Oak-aged",
                ),
                "factor": "1.6",
            },
            {
                "name": t("干投啤酒花", "Houblonnée à cru", "Dry-hopped", "Dry-hopped"),
                "factor": "1.15",
            },
            {
                "name": t(
                    "窖藏年份版",
                    "Millésime de cave",
                    "Kelderjaargang",
                    "Cellar vintage",
                ),
                "factor": "1.8",
            },
        ],
    },
    "stokerij-van-hulle": {
        "category": "jenever",
        "hs": "2208500000",
        "tax": "wine",
        "unit": "ml",
        "bases": [
            {
                "name": t(
                    "老式杜松子酒",
                    "Genièvre vieux système",
                    "Oude jenever",
                    "Oude jenever",
                ),
                "desc": t(
                    "以麦芽酒为基酒的传统杜松子酒，柔和醇厚。",
                    "Genièvre traditionnel à base de vin de malt, rond et moelleux.",
                    "Traditionele jenever op basis van moutwijn, rond en zacht.",
                    "Traditional jenever built on malt wine, round and mellow.",
                ),
                "ing": t(
                    "麦芽酒、谷物烈酒、杜松子。酒精度35%。",
                    "Vin de malt, alcool de grain, baies de genièvre. 35 % vol.",
                    "Moutwijn, graanalcohol, jeneverbessen. 35% vol.",
                    "Malt wine, grain spirit, juniper berries. 35% ABV.",
                ),
                "net": 700,
                "price": "24.00",
                "variants": [
                    ("50", {"volume": "50 cl"}, "0.75", 1),
                    ("70", {"volume": "70 cl"}, "1", 1),
                ],
            },
            {
                "name": t(
                    "果味杜松子酒",
                    "Genièvre aux fruits",
                    "Fruitjenever",
                    "Fruit jenever",
                ),
                "desc": t(
                    "年轻杜松子酒与新鲜果汁调配，适合冰镇饮用。",
                    "Jeune genièvre marié à des jus de fruits frais, à servir bien frais.",
                    "Jonge jenever met vers fruitsap, ijskoud te schenken.",
                    "Young jenever blended with fresh fruit juice, to serve ice-cold.",
                ),
                "ing": t(
                    "杜松子酒、果汁、糖。酒精度20%。",
                    "Genièvre, jus de fruits, sucre. 20 % vol.",
                    "Jenever, fruitsap, suiker. 20% vol.",
                    "Jenever, fruit juice, sugar. 20% ABV.",
                ),
                "net": 500,
                "price": "16.50",
                "variants": [("50", {"volume": "50 cl"}, "1", 1)],
            },
            {
                "name": t(
                    "桶陈杜松子酒",
                    "Genièvre vieilli en fût",
                    "Op vat gerijpte jenever",
                    "Cask-aged jenever",
                ),
                "desc": t(
                    "在橡木桶中陈酿多年，带香草与烤面包气息。",
                    "Vieilli plusieurs années en fût de chêne, notes de vanille et de pain grillé.",
                    "Jaren gerijpt op eiken vaten, met tonen van vanille en geroosterd brood.",
                    "Aged for years in oak casks, with notes of vanilla and toast.",
                ),
                "ing": t(
                    "麦芽酒、谷物烈酒、杜松子。酒精度40%。",
                    "Vin de malt, alcool de grain, baies de genièvre. 40 % vol.",
                    "Moutwijn, graanalcohol, jeneverbessen. 40% vol.",
                    "Malt wine, grain spirit, juniper berries. 40% ABV.",
                ),
                "net": 700,
                "price": "39.00",
                "variants": [("70", {"volume": "70 cl"}, "1", 1)],
            },
        ],
        "editions": [
            {"name": t("经典", "Classique", "Klassiek", "Classic"), "factor": "1"},
            {
                "name": t("接骨木花", "Fleur de sureau", "Vlierbloesem", "Elderflower"),
                "factor": "1.05",
            },
            {
                "name": t("黑加仑", "Cassis", "Zwarte bes", "Blackcurrant"),
                "factor": "1.05",
            },
            {
                "name": t(
                    "五年陈酿", "Cinq ans d'âge", "Vijf jaar oud", "Five years old"
                ),
                "factor": "1.5",
            },
        ],
    },
    "dentelles-vermeire": {
        "category": "lace",
        "hs": "5804300000",
        "tax": "ordinary-13",
        "bases": [
            {
                "name": t(
                    "手工蕾丝桌垫",
                    "Napperon en dentelle",
                    "Kanten kleedje",
                    "Lace doily",
                ),
                "desc": t(
                    "布鲁日梭结蕾丝桌垫，每件均为手工编织。",
                    "Napperon en dentelle aux fuseaux de Bruges, chaque pièce faite à la main.",
                    "Kleedje in Brugse kloskant, elk stuk met de hand gemaakt.",
                    "A doily of Bruges bobbin lace, each piece made by hand.",
                ),
                "ing": t(
                    "100%亚麻线。",
                    "Fil 100 % lin.",
                    "100% linnen draad.",
                    "100% linen thread.",
                ),
                "net": 30,
                "price": "45.00",
                "variants": [
                    ("20", {"size": "Ø 20 cm"}, "1", 1),
                    ("30", {"size": "Ø 30 cm"}, "1.8", 2),
                ],
            },
            {
                "name": t(
                    "蕾丝书签",
                    "Marque-page en dentelle",
                    "Kanten bladwijzer",
                    "Lace bookmark",
                ),
                "desc": t(
                    "精致的蕾丝书签，装在礼品卡套中。",
                    "Un fin marque-page en dentelle, sous pochette cadeau.",
                    "Een fijne kanten bladwijzer in een geschenkhoesje.",
                    "A fine lace bookmark in a gift sleeve.",
                ),
                "ing": t(
                    "棉线。", "Fil de coton.", "Katoenen draad.", "Cotton thread."
                ),
                "net": 5,
                "price": "14.00",
                "variants": [("1", {"size": "4 × 15 cm"}, "1", 1)],
            },
            {
                "name": t(
                    "蕾丝手帕",
                    "Mouchoir en dentelle",
                    "Kanten zakdoek",
                    "Lace handkerchief",
                ),
                "desc": t(
                    "亚麻手帕，四边镶手工蕾丝。",
                    "Mouchoir en lin bordé de dentelle faite main.",
                    "Linnen zakdoek met een rand van handgemaakte kant.",
                    "A linen handkerchief edged with hand-made lace.",
                ),
                "ing": t(
                    "亚麻、棉线。",
                    "Lin, fil de coton.",
                    "Linnen, katoenen draad.",
                    "Linen, cotton thread.",
                ),
                "net": 20,
                "price": "38.00",
                "hs": "6213900000",
                "variants": [("1", {"size": "28 × 28 cm"}, "1", 1)],
            },
        ],
        "editions": [
            {
                "name": t("玫瑰纹样", "Motif rose", "Rozenmotief", "Rose pattern"),
                "factor": "1",
            },
            {
                "name": t("天鹅纹样", "Motif cygne", "Zwanenmotief", "Swan pattern"),
                "factor": "1.1",
            },
            {
                "name": t(
                    "布鲁日钟楼", "Beffroi de Bruges", "Brugse belfort", "Bruges belfry"
                ),
                "factor": "1.25",
            },
            {
                "name": t(
                    "花卉边饰", "Bordure florale", "Bloemenrand", "Floral border"
                ),
                "factor": "1",
            },
        ],
    },
    "chapellerie-lambrecht": {
        "category": "hats",
        "hs": "6505009900",
        "tax": "ordinary-13",
        "bases": [
            {
                "name": t(
                    "羊毛毡软呢帽", "Fedora en feutre", "Vilten fedora", "Felt fedora"
                ),
                "desc": t(
                    "兔毛毡手工定型，内衬丝质标签。",
                    "Feutre de lapin mis en forme à la main, bolduc de soie.",
                    "Konijnenhaarvilt met de hand gevormd, zijden band.",
                    "Rabbit-fur felt shaped by hand, with a silk band.",
                ),
                "ing": t(
                    "兔毛毡，丝质帽带。",
                    "Feutre de poil de lapin, ruban de soie.",
                    "Vilt van konijnenhaar, zijden lint.",
                    "Rabbit-fur felt, silk ribbon.",
                ),
                "net": 120,
                "price": "165.00",
                "variants": [
                    ("S", {"size": "S (55 cm)"}, "1", 1),
                    ("M", {"size": "M (57 cm)"}, "1", 1),
                    ("L", {"size": "L (59 cm)"}, "1", 1),
                ],
            },
            {
                "name": t(
                    "草编巴拿马帽",
                    "Panama en paille",
                    "Strohoed panama",
                    "Straw panama",
                ),
                "desc": t(
                    "轻盈透气的草编帽，适合夏日。",
                    "Un chapeau de paille léger et aéré pour l'été.",
                    "Een lichte, luchtige strohoed voor de zomer.",
                    "A light, airy straw hat for summer.",
                ),
                "ing": t(
                    "天然草编，棉质帽带。",
                    "Paille naturelle, ruban de coton.",
                    "Natuurlijk stro, katoenen lint.",
                    "Natural straw, cotton ribbon.",
                ),
                "net": 90,
                "price": "120.00",
                "hs": "6504000000",
                "variants": [
                    ("S", {"size": "S (55 cm)"}, "1", 1),
                    ("M", {"size": "M (57 cm)"}, "1", 1),
                    ("L", {"size": "L (59 cm)"}, "1", 1),
                ],
            },
            {
                "name": t(
                    "女士礼帽", "Bibi de cérémonie", "Feesthoedje", "Cocktail hat"
                ),
                "desc": t(
                    "为婚礼和赛马日手工制作的小礼帽。",
                    "Un bibi fait main pour les mariages et les courses.",
                    "Een handgemaakt hoedje voor bruiloften en paardenrennen.",
                    "A hand-made hat for weddings and race days.",
                ),
                "ing": t(
                    "羊毛毡、羽毛、网纱。",
                    "Feutre de laine, plumes, voilette.",
                    "Wolvilt, veren, voile.",
                    "Wool felt, feathers, veiling.",
                ),
                "net": 80,
                "price": "140.00",
                "variants": [
                    (
                        "U",
                        {"size": t("均码", "Taille unique", "Eén maat", "One size")},
                        "1",
                        1,
                    )
                ],
            },
        ],
        "editions": [
            {"name": t("炭黑", "Anthracite", "Antraciet", "Charcoal"), "factor": "1"},
            {"name": t("驼色", "Camel", "Camel", "Camel"), "factor": "1"},
            {"name": t("海军蓝", "Bleu marine", "Marineblauw", "Navy"), "factor": "1"},
            {
                "name": t("勃艮第红", "Bordeaux", "Bordeaux", "Burgundy"),
                "factor": "1.05",
            },
        ],
    },
    "herbarium-ardennes": {
        "category": "cosmetics",
        "hs": "3304990000",
        "tax": "cosmetics",
        "bases": [
            {
                "name": t(
                    "保湿面霜",
                    "Crème hydratante",
                    "Hydraterende crème",
                    "Moisturising cream",
                ),
                "desc": t(
                    "以斯帕矿泉水和有机植物油调配的日霜。",
                    "Une crème de jour à l'eau de Spa et aux huiles végétales bio.",
                    "Een dagcrème met water uit Spa en biologische plantaardige oliën.",
                    "A day cream made with Spa spring water and organic plant oils.",
                ),
                "ing": t(
                    "水、向日葵籽油、乳木果油、甘油、植物提取物。",
                    "Eau, huile de tournesol, beurre de karité, glycérine, extraits de plantes.",
                    "Water, zonnebloemolie, sheaboter, glycerine, plantenextracten.",
                    "Water, sunflower oil, shea butter, glycerin, plant extracts.",
                ),
                "net": 50,
                "unit": "ml",
                "price": "34.00",
                "variants": [("50", {"volume": "50 ml"}, "1", 1)],
            },
            {
                "name": t("精华油", "Huile sérum", "Serumolie", "Serum oil"),
                "desc": t(
                    "冷压植物油精华，滋养夜间肌肤。",
                    "Un sérum d'huiles pressées à froid pour nourrir la peau la nuit.",
                    "Een serum van koudgeperste oliën dat de huid 's nachts voedt.",
                    "A serum of cold-pressed oils that nourishes the skin overnight.",
                ),
                "ing": t(
                    "荷荷巴油、玫瑰果油、维生素E、植物提取物。",
                    "Huile de jojoba, huile de rose musquée, vitamine E, extraits de plantes.",
                    "Jojobaolie, rozenbottelolie, vitamine E, plantenextracten.",
                    "Jojoba oil, rosehip oil, vitamin E, plant extracts.",
                ),
                "net": 30,
                "unit": "ml",
                "price": "42.00",
                "variants": [("30", {"volume": "30 ml"}, "1", 1)],
            },
            {
                "name": t("面膜", "Masques en tissu", "Sheetmaskers", "Sheet masks"),
                "desc": t(
                    "浸满植物精华的棉质面膜，每片独立包装。",
                    "Des masques en coton imprégnés d'extraits de plantes, emballés un à un.",
                    "Katoenen maskers gedrenkt in plantenextracten, per stuk verpakt.",
                    "Cotton masks soaked in plant extracts, each wrapped on its own.",
                ),
                "ing": t(
                    "水、甘油、芦荟提取物、透明质酸钠、植物提取物。",
                    "Eau, glycérine, extrait d'aloe vera, hyaluronate de sodium, extraits de plantes.",
                    "Water, glycerine, aloë-vera-extract, natriumhyaluronaat, plantenextracten.",
                    "Water, glycerin, aloe vera extract, sodium hyaluronate, plant extracts.",
                ),
                # Sold by the piece: high-end from 15 CNY a mask (5 masks: 75 CNY).
                "net": 5,
                "unit": "piece",
                "price": "19.50",
                "variants": [
                    (
                        "5",
                        {"pack": t("5片装", "Boîte de 5", "Doos van 5", "Box of 5")},
                        "1",
                        1,
                    ),
                    (
                        "10",
                        {
                            "pack": t(
                                "10片装", "Boîte de 10", "Doos van 10", "Box of 10"
                            )
                        },
                        "1.8",
                        2,
                    ),
                ],
            },
            {
                "name": t(
                    "手工皂", "Savon artisanal", "Ambachtelijke zeep", "Hand-made soap"
                ),
                "desc": t(
                    "冷制工艺手工皂，温和清洁。",
                    "Un savon saponifié à froid qui nettoie en douceur.",
                    "Een koudgeroerde zeep die zacht reinigt.",
                    "A cold-process soap that cleans gently.",
                ),
                "ing": t(
                    "橄榄油、椰子油、水、氢氧化钠、精油。",
                    "Huile d'olive, huile de coco, eau, soude, huiles essentielles.",
                    "Olijfolie, kokosolie, water, natronloog, etherische oliën.",
                    "Olive oil, coconut oil, water, sodium hydroxide, essential oils.",
                ),
                "net": 100,
                "price": "8.50",
                "hs": "3401110000",
                "tax_override": "ordinary-13",
                "variants": [
                    ("1", {"pack": t("1块", "1 savon", "1 zeep", "1 bar")}, "1", 1),
                    (
                        "3",
                        {"pack": t("3块装", "Lot de 3", "3 stuks", "Pack of 3")},
                        "2.7",
                        3,
                    ),
                ],
            },
        ],
        "editions": [
            {"name": t("薰衣草", "Lavande", "Lavendel", "Lavender"), "factor": "1"},
            {
                "name": t("金盏花", "Calendula", "Goudsbloem", "Calendula"),
                "factor": "1",
            },
            {"name": t("接骨木", "Sureau", "Vlier", "Elder"), "factor": "1.05"},
            {
                "name": t("无香型", "Sans parfum", "Parfumvrij", "Fragrance-free"),
                "factor": "1",
            },
        ],
    },
    "diamanthuis-peeters": {
        "category": "jewellery",
        "hs": "7113191100",
        "tax": "jewellery",
        "bases": [
            {
                "name": t(
                    "钻石吊坠",
                    "Pendentif diamant",
                    "Diamanten hanger",
                    "Diamond pendant",
                ),
                "desc": t(
                    "安特卫普切工的明亮式钻石，附证书。",
                    "Un diamant taille brillant d'Anvers, livré avec son certificat.",
                    "Een briljant geslepen Antwerpse diamant, met certificaat.",
                    "A brilliant-cut Antwerp diamond, with its certificate.",
                ),
                "ing": t(
                    "18K金，天然钻石。",
                    "Or 18 carats, diamant naturel.",
                    "18 karaat goud, natuurlijke diamant.",
                    "18-carat gold, natural diamond.",
                ),
                "net": 3,
                "price": "890.00",
                "variants": [
                    ("010", {"carat": "0.10 ct"}, "1", 1),
                    ("025", {"carat": "0.25 ct"}, "2.1", 1),
                ],
            },
            {
                "name": t(
                    "钻石耳钉",
                    "Clous d'oreilles diamant",
                    "Diamanten oorknopjes",
                    "Diamond stud earrings",
                ),
                "desc": t(
                    "一对经典钻石耳钉，四爪镶嵌。",
                    "Une paire de clous classiques, sertis à quatre griffes.",
                    "Een paar klassieke oorknopjes in een vierpootszetting.",
                    "A pair of classic studs in a four-claw setting.",
                ),
                "ing": t(
                    "18K金，天然钻石。",
                    "Or 18 carats, diamants naturels.",
                    "18 karaat goud, natuurlijke diamanten.",
                    "18-carat gold, natural diamonds.",
                ),
                "net": 2,
                "price": "1150.00",
                "variants": [("2x010", {"carat": "2 × 0.10 ct"}, "1", 1)],
            },
            {
                "name": t(
                    "银手链",
                    "Bracelet en argent",
                    "Zilveren armband",
                    "Silver bracelet",
                ),
                "desc": t(
                    "925银手链，配一颗小钻石。",
                    "Bracelet en argent 925 orné d'un petit diamant.",
                    "Armband in 925 zilver met een kleine diamant.",
                    "A 925 silver bracelet set with a small diamond.",
                ),
                "ing": t(
                    "925银，天然钻石。",
                    "Argent 925, diamant naturel.",
                    "925 zilver, natuurlijke diamant.",
                    "925 silver, natural diamond.",
                ),
                "net": 8,
                "price": "240.00",
                "hs": "7113111000",
                "variants": [
                    ("17", {"length": "17 cm"}, "1", 1),
                    ("19", {"length": "19 cm"}, "1", 1),
                ],
            },
        ],
        "editions": [
            {"name": t("白金", "Or blanc", "Witgoud", "White gold"), "factor": "1"},
            {"name": t("黄金", "Or jaune", "Geelgoud", "Yellow gold"), "factor": "1"},
            {"name": t("玫瑰金", "Or rose", "Roségoud", "Rose gold"), "factor": "1.03"},
            {
                "name": t(
                    "安特卫普系列",
                    "Collection Anvers",
                    "Collectie Antwerpen",
                    "Antwerp collection",
                ),
                "factor": "1.15",
            },
        ],
    },
    "slaapwel-textiles": {
        "category": "bedding",
        "hs": "9404909000",
        "tax": "ordinary-13",
        "bases": [
            {
                "name": t(
                    "防螨枕头",
                    "Oreiller anti-acariens",
                    "Anti-mijt hoofdkussen",
                    "Anti-dust-mite pillow",
                ),
                "desc": t(
                    "致密编织面料阻隔尘螨，可在60°C下洗涤。",
                    "Un tissage serré qui arrête les acariens ; lavable à 60 °C.",
                    "Een dichte weving die huisstofmijt tegenhoudt; wasbaar op 60 °C.",
                    "A tight weave that keeps dust mites out; washable at 60 °C.",
                ),
                "ing": t(
                    "面料：100%棉；填充：聚酯纤维。",
                    "Tissu : 100 % coton ; garnissage : polyester.",
                    "Stof: 100% katoen; vulling: polyester.",
                    "Cover: 100% cotton; filling: polyester.",
                ),
                "net": 900,
                "price": "49.00",
                "variants": [
                    ("60x70", {"size": "60 × 70 cm"}, "1", 1),
                    ("50x75", {"size": "50 × 75 cm"}, "1", 1),
                ],
            },
            {
                "name": t(
                    "防过敏被子",
                    "Couette anti-allergique",
                    "Anti-allergisch dekbed",
                    "Anti-allergy duvet",
                ),
                "desc": t(
                    "轻盈保暖的防过敏被芯，适合四季。",
                    "Une couette légère et chaude pour toutes les saisons.",
                    "Een licht en warm dekbed voor elk seizoen.",
                    "A light, warm duvet for every season.",
                ),
                "ing": t(
                    "面料：棉；填充：中空纤维。",
                    "Tissu : coton ; garnissage : fibres creuses.",
                    "Stof: katoen; vulling: holle vezels.",
                    "Cover: cotton; filling: hollow fibre.",
                ),
                "net": 1800,
                "price": "119.00",
                "variants": [
                    ("140", {"size": "140 × 200 cm"}, "1", 1),
                    ("200", {"size": "200 × 200 cm"}, "1.35", 1),
                    ("240", {"size": "240 × 220 cm"}, "1.6", 1),
                ],
            },
            {
                "name": t(
                    "防螨床垫保护套",
                    "Protège-matelas anti-acariens",
                    "Anti-mijt matrasbeschermer",
                    "Anti-dust-mite mattress protector",
                ),
                "desc": t(
                    "全包拉链式床垫套，防水透气。",
                    "Housse intégrale zippée, imperméable et respirante.",
                    "Volledige rits-hoes, waterdicht en ademend.",
                    "A zipped full encasement, waterproof and breathable.",
                ),
                "ing": t(
                    "聚酯纤维、聚氨酯膜。",
                    "Polyester, membrane polyuréthane.",
                    "Polyester, polyurethaanmembraan.",
                    "Polyester, polyurethane membrane.",
                ),
                "net": 1200,
                "price": "69.00",
                "hs": "6304930000",
                "variants": [
                    ("90", {"size": "90 × 200 cm"}, "1", 1),
                    ("160", {"size": "160 × 200 cm"}, "1.4", 1),
                ],
            },
        ],
        "editions": [
            {"name": t("标准", "Standard", "Standaard", "Standard"), "factor": "1"},
            {
                "name": t("有机棉", "Coton bio", "Biokatoen", "Organic cotton"),
                "factor": "1.25",
            },
            {
                "name": t(
                    "酒店系列", "Collection hôtel", "Hotelcollectie", "Hotel collection"
                ),
                "factor": "1.4",
            },
            {"name": t("儿童款", "Enfant", "Kinderen", "Children's"), "factor": "0.8"},
        ],
    },
    "speelgoed-maes": {
        "category": "toys",
        "hs": "9503008900",
        "tax": "ordinary-13",
        "bases": [
            {
                "name": t(
                    "木制积木",
                    "Blocs de construction en bois",
                    "Houten bouwblokken",
                    "Wooden building blocks",
                ),
                "desc": t(
                    "欧洲山毛榉积木，边角打磨圆润，适合三岁以上儿童。",
                    "Blocs en hêtre européen aux arêtes arrondies, dès 3 ans.",
                    "Blokken van Europees beuken met afgeronde randen, vanaf 3 jaar.",
                    "European beech blocks with rounded edges, for ages 3 and up.",
                ),
                "ing": t(
                    "山毛榉木，水性漆。",
                    "Hêtre, peinture à l'eau.",
                    "Beukenhout, verf op waterbasis.",
                    "Beech wood, water-based paint.",
                ),
                "net": 1500,
                "price": "39.00",
                "variants": [
                    (
                        "50",
                        {"pack": t("50块", "50 blocs", "50 blokken", "50 blocks")},
                        "1",
                        1,
                    ),
                    (
                        "100",
                        {"pack": t("100块", "100 blocs", "100 blokken", "100 blocks")},
                        "1.8",
                        2,
                    ),
                ],
            },
            {
                "name": t(
                    "木制拼图", "Puzzle en bois", "Houten puzzel", "Wooden puzzle"
                ),
                "desc": t(
                    "描绘比利时城市的木制拼图。",
                    "Un puzzle en bois qui dessine une ville belge.",
                    "Een houten puzzel van een Belgische stad.",
                    "A wooden puzzle showing a Belgian city.",
                ),
                "ing": t(
                    "桦木胶合板，水性漆。",
                    "Contreplaqué de bouleau, peinture à l'eau.",
                    "Berkentriplex, verf op waterbasis.",
                    "Birch plywood, water-based paint.",
                ),
                "net": 400,
                "price": "24.00",
                "hs": "9503006000",
                "variants": [
                    (
                        "24",
                        {"pieces": t("24片", "24 pièces", "24 stukjes", "24 pieces")},
                        "1",
                        1,
                    ),
                    (
                        "48",
                        {"pieces": t("48片", "48 pièces", "48 stukjes", "48 pieces")},
                        "1.3",
                        1,
                    ),
                ],
            },
            {
                "name": t(
                    "木制拖拉玩具", "Jouet à tirer", "Trekspeeltje", "Pull-along toy"
                ),
                "desc": t(
                    "带轮子的木制拖拉玩具，适合学步儿童。",
                    "Un jouet en bois sur roues pour les premiers pas.",
                    "Een houten speeltje op wieltjes voor de eerste stapjes.",
                    "A wooden toy on wheels for first steps.",
                ),
                "ing": t(
                    "山毛榉木，棉绳，水性漆。",
                    "Hêtre, cordon de coton, peinture à l'eau.",
                    "Beukenhout, katoenen koord, verf op waterbasis.",
                    "Beech wood, cotton cord, water-based paint.",
                ),
                "net": 600,
                "price": "29.00",
                "variants": [
                    ("1", {"pack": t("1件", "1 pièce", "1 stuk", "1 piece")}, "1", 1)
                ],
            },
        ],
        "editions": [
            {
                "name": t("原木色", "Bois naturel", "Naturel hout", "Natural wood"),
                "factor": "1",
            },
            {
                "name": t("彩虹色", "Arc-en-ciel", "Regenboog", "Rainbow"),
                "factor": "1.1",
            },
            {
                "name": t(
                    "布鲁塞尔主题", "Thème Bruxelles", "Thema Brussel", "Brussels theme"
                ),
                "factor": "1.15",
            },
            {
                "name": t("农场主题", "Thème ferme", "Thema boerderij", "Farm theme"),
                "factor": "1.1",
            },
        ],
    },
}

# The merchant with 3 bases uses its first 4 editions; 12 lines use 3 bases x 4
# editions (12 products) and two use 4 x 4 (16): 10 x 12 + 2 x 16 = 152 products.
