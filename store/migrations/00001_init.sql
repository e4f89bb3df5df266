-- Schema for the paywall app: server-side sessions and the demo articles.
-- Tables are STRICT so a wrong type is an error instead of being silently stored.
-- Timestamps are INTEGER unix seconds (UTC).

-- +goose Up
CREATE TABLE sessions (
    id         TEXT    NOT NULL PRIMARY KEY,
    data       BLOB    NOT NULL,
    expires_at INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;

CREATE INDEX sessions_expires_at ON sessions (expires_at);

CREATE TABLE articles (
    slug         TEXT    NOT NULL PRIMARY KEY CHECK (slug GLOB '[a-z0-9]*' AND slug NOT GLOB '*[^a-z0-9-]*'),
    title        TEXT    NOT NULL CHECK (title <> ''),
    summary      TEXT    NOT NULL,
    author       TEXT    NOT NULL,
    body         TEXT    NOT NULL,
    published_at INTEGER NOT NULL,
    premium      INTEGER NOT NULL DEFAULT 0 CHECK (premium IN (0, 1)),
    product      TEXT    NOT NULL DEFAULT '' CHECK (premium = 0 OR product <> '')
) STRICT;

CREATE INDEX articles_published_at ON articles (published_at DESC);

-- Demo content for Norrby Tidning, a fictional local newspaper. Bodies are paragraphs separated by one
-- blank line; the statement is wrapped so goose does not split it at a line ending in a semicolon.
-- +goose StatementBegin
INSERT INTO articles (slug, title, summary, author, body, published_at, premium, product) VALUES
(
    'ice-breaks-early-on-lake-norrsjon',
    'Ice breaks early on Lake Norrsjön as spring arrives weeks ahead of schedule',
    'The ice on Norrsjön broke up on Thursday, nearly three weeks earlier than the fifty-year average. Anglers, islanders and the ferry operator are adjusting.',
    'Karin Lindqvist',
    'The ice on Lake Norrsjön broke up on Thursday morning, nearly three weeks earlier than the average recorded since the local angling club began keeping a ledger in 1974. By lunchtime, open water stretched from the harbour in Norrby to the point at Granudden.

"I have walked out on that ice every March for forty years, and I have never seen it go this early," said Bengt Åström, who has kept the club''s ice ledger for the past two decades. "Last week it was still thirty centimetres thick at the jetty. Then came three days of rain and a southerly wind, and that was that."

The municipality closed the ice road to Storön on Monday, a week before the planned date. Residents on the island now rely on the small ferry, which normally does not start its spring timetable until April. The operator says it will run an extra morning departure until the end of the month so that commuters and schoolchildren reach the mainland on time.

Meteorologists at SMHI say the early break-up fits a pattern seen across the region this winter, with February temperatures well above normal. They caution against reading too much into a single season, but note that the last decade has produced six of the ten earliest break-ups on record for lakes in the county.

For the angling club, the early spring brings both relief and worry. The ice-fishing competition planned for the last weekend of March has been cancelled, but the club is already preparing for an early start to the pike season. "We will put the boats in a fortnight early," Åström said. "The fish do not read the calendar either."',
    1741934700, -- 2025-03-14T06:45:00Z
    0,
    ''
),
(
    'village-schools-face-closure',
    'Two village schools face closure as Norrby weighs a 14-million-krona shortfall',
    'A proposal from the education office would close the schools in Björkviken and Lillå from autumn 2026. Parents say the bus journeys would be far too long for the youngest pupils.',
    'Johan Eriksson',
    'Norrby municipality''s education office has proposed closing the primary schools in Björkviken and Lillå as the council tries to close a gap of 14 million kronor in next year''s education budget. The proposal, seen by Norrby Tidning ahead of Tuesday''s committee meeting, would move the 61 pupils at the two schools to Centralskolan in Norrby from the autumn term of 2026.

The report argues that falling birth rates have left both schools with half-empty classrooms. Björkviken, built for 90 pupils, has 34 this year; Lillå has 27. According to the office''s figures, the cost per pupil at the two schools is almost twice that at Centralskolan, and both buildings need new ventilation within three years at an estimated cost of 6.5 million kronor.

Parents in Björkviken reacted with anger when the proposal became known. "My daughter is seven. With this plan she would spend more than an hour a day on a bus, in the dark for half the year," said Sara Holm, who chairs the school''s parents'' association. The association has collected more than 800 signatures in four days and plans to hand them to the committee before the vote.

The chair of the education committee, Per Lundgren (C), said no decision had been made and that the committee would hold public meetings in both villages in April. "Nobody goes into local politics to close schools," he said. "But every krona we spend heating half-empty buildings is a krona we cannot spend on teachers."

The opposition has asked the office to examine an alternative in which the two schools merge into one, located in Björkviken, with pupils from Lillå taking a shorter bus route. The office is expected to present that analysis before the committee votes in May. The final decision rests with the full council in June.',
    1741757400, -- 2025-03-12T05:30:00Z
    1,
    'digital'
),
(
    'norrby-bandy-wins-promotion',
    'Late winner sends Norrby Bandy up to Allsvenskan',
    'A goal with ninety seconds left against Åsby BK secured promotion in front of a record crowd of 2,300 at Norrby IP.',
    'Maja Holmberg',
    'Norrby Bandy will play in Allsvenskan next season after Emil Strand''s goal with ninety seconds remaining gave the home side a 4–3 win in Sunday''s deciding qualifier against Åsby BK. A crowd of 2,300, the largest at Norrby IP since the ground got artificial ice in 2009, poured onto the rink at the final whistle.

It was a match that swung back and forth. Åsby led 2–0 after twenty minutes, and coach Lars Wikström admitted afterwards that he had feared the worst. Two goals from corners before the break, both from captain Oskar Nilsson, levelled the score, and the teams traded goals again midway through the second half.

The winner came from a counter-attack. Strand, nineteen and in his first full season with the senior team, collected a long ball from the goalkeeper, went past the last defender and placed his shot low inside the far post. "I did not really see it go in," he said. "I just heard the noise."

Promotion brings new demands. The club will need around 400,000 kronor more in its budget to cover longer away trips and the league''s requirements for referees and medical staff. Chair Annika Berglund says two local companies have already promised to increase their sponsorship, and the club will launch a supporters'' membership drive next month.

For Wikström, who played for the club when it last reached Allsvenskan in 1998, the win was personal. "There were people in that crowd who watched me play as a boy," he said. "Now their grandchildren have seen us go up again. That is what a club like this is for."',
    1741583700, -- 2025-03-10T05:15:00Z
    0,
    ''
),
(
    'sawmill-bets-on-cross-laminated-timber',
    'Inside Norrby Trä''s 300-million-krona bet on cross-laminated timber',
    'The family-owned sawmill is building a factory for engineered wood panels that it says will create 45 jobs. Critics question whether the market for timber housing will hold.',
    'Erik Sundström',
    'Behind the sawmill on the eastern edge of town, the steel frame of a new hall is rising out of the snow. When it is finished next spring, Norrby Trä expects it to turn out 60,000 cubic metres a year of cross-laminated timber: thick panels of glued spruce boards that can replace concrete in the walls and floors of apartment blocks, schools and offices.

The investment, around 300 million kronor, is the largest in the company''s ninety-year history. Chief executive Helena Forsberg says it is about moving up the value chain. "Today we sell most of our sawn timber as a commodity, at prices set in markets we do not control," she said. "With cross-laminated timber we sell finished building elements, designed for a specific project. The margin stays here in Norrby."

The company expects to hire 45 people for the new line, most of them machine operators and CNC technicians. It is working with the upper-secondary school on a new wood-technology programme and has offered summer jobs to students who choose it. Forsberg admits that recruitment is her biggest worry. "The machines we can buy. The people we have to find, train and convince to stay."

Not everyone is convinced by the timing. Housing starts in Sweden fell sharply in 2023 and 2024, and several producers of engineered timber have postponed expansion plans. Maria Ek, an analyst who follows the forest industry, says the long-term case for building in wood is strong, but that a newcomer will have to compete on price with larger, established factories. "The risk is not that timber buildings go out of fashion. It is that too much capacity arrives at the same time."

The municipality has backed the project by extending the industrial area and upgrading the road to the E4, at a cost of 22 million kronor. Municipal commissioner Ingrid Palm (S) calls it the most important industrial investment in Norrby in a generation. "For every job at the sawmill there are jobs at the hauliers, the workshops and the shops in town," she said.

The first panels are due to leave the factory in the second quarter of next year. Norrby Trä says it already holds letters of intent covering about a third of the first year''s production, including two school buildings in the county.',
    1741327200, -- 2025-03-07T06:00:00Z
    1,
    'digital'
),
(
    'library-opens-on-sundays',
    'Norrby library opens on Sundays after a record winter',
    'Visits to the main library rose by almost a quarter this winter. From April it will open on Sunday afternoons and stay staffed until eight two evenings a week.',
    'Linnea Berg',
    'The main library in Norrby will open on Sunday afternoons from the first of April, after a winter in which the number of visits rose by almost a quarter compared with last year. The library will also stay staffed until eight in the evening on Tuesdays and Thursdays.

Head librarian Eva Sjöberg says the increase is not only about books. "People come to study, to use the computers, to get help with the bank''s app or a form from the Tax Agency, or simply to sit somewhere warm with other people," she said. "For many who live alone, the library is the one place in town where you can spend an afternoon without buying anything."

The longer hours are made possible by a grant of 650,000 kronor from the culture committee and by a self-service system that lets card holders enter with their library card and a PIN code in the mornings before staff arrive. The system has been on trial since October, and Sjöberg says there have been no problems with damage or theft.

Sunday opening will begin with a programme for families: story time for the youngest at one o''clock, and a homework club run by volunteers from the upper-secondary school. In May the library will host a series of talks on the history of the ironworks in Lillå, together with the local heritage society.

Opening hours at the branch libraries in Björkviken and on Storön are unchanged for now. The culture committee will review visitor numbers in the autumn before deciding whether to extend them as well.',
    1741158000, -- 2025-03-05T07:00:00Z
    0,
    ''
),
(
    'housing-queue-pushes-young-people-out',
    'The housing queue that is pushing young people out of Norrby',
    'The average wait for a rental flat from the municipal housing company is now more than four years. We followed three young adults trying to stay in their home town.',
    'Anders Nyström',
    'Alva Persson is twenty-three, works full time as an assistant nurse at the health centre, and still sleeps in her childhood bedroom. She joined the queue for a flat with Norrbyhem, the municipal housing company, on her eighteenth birthday. Five years later, she has not been offered a single viewing.

She is far from alone. According to figures Norrby Tidning obtained from Norrbyhem, the average wait for a one- or two-room flat in central Norrby was four years and three months last year, up from eighteen months in 2015. Fewer than one in ten of the flats that became available went to someone under twenty-five.

The shortage has a simple cause, says Norrbyhem''s chief executive Tomas Lind: almost nothing has been built. The company completed its last new block in 2011. "Construction costs have doubled while the rents we can charge in Norrby have not," he said. "A new two-room flat would need a rent of at least 11,000 kronor a month to cover its costs. Few young people here can pay that."

For many, the answer is to leave. Figures from Statistics Sweden show that Norrby lost a net 140 residents aged 20 to 29 last year, the largest outflow in a decade. Simon Ahlgren, 26, an electrician, moved to Umeå in January after two years of sublets and borrowed sofas. "I had work here, friends, my family," he said. "What I did not have was a front door of my own."

Some are finding other ways. Elin Mäkinen, 24, and her partner bought a small house in Lillå last autumn for less than the price of a new car. It needs a new roof and the commute takes forty minutes, but it was the only home they could afford. "Everyone talks about the housing queue," she said. "Nobody talks about how many houses stand empty in the villages."

The council majority has promised a housing programme before the summer, including land for small rental blocks and support for first-time buyers in the villages. For Alva Persson, it cannot come soon enough. "I love this town," she said. "But I have started looking at adverts in other places."',
    1740978000, -- 2025-03-03T05:00:00Z
    1,
    'digital'
);
-- +goose StatementEnd

-- +goose Down
DROP TABLE articles;
DROP TABLE sessions;
