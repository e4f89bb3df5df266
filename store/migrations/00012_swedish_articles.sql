-- The seeded articles in Swedish (issue 15). Norrby Tidning is a Swedish paper and publishes its journalism
-- in Swedish for every reader, whatever language the pages around it are in; the demo articles of
-- 00001_init.sql were English. Same slugs (URLs do not break), authors, dates, premium flags and products.
-- An article is rewritten only while it still holds the text it was seeded with (title, summary and body),
-- so an article an operator has edited or replaced is left as it is; the Down likewise restores the English
-- only where the Swedish text is still unchanged. Statements are wrapped so goose does not split them at a
-- line ending in a semicolon.
-- +goose Up
-- +goose StatementBegin
UPDATE articles SET
    title = 'Isen har gått upp på Norrsjön – våren är flera veckor före',
    summary = 'Isen på Norrsjön gick upp i torsdags, nästan tre veckor tidigare än genomsnittet för de senaste femtio åren. Fiskarna, öborna och färjetrafiken får ställa om.',
    body = 'Isen på Norrsjön gick upp på torsdagsmorgonen, nästan tre veckor tidigare än genomsnittet sedan Norrby sportfiskeklubb började föra bok över isen 1974. Vid lunchtid var det öppet vatten hela vägen från hamnen i Norrby ut till Granudden.

”Jag har gått ut på den isen varje mars i fyrtio år, och jag har aldrig sett den gå upp så här tidigt”, säger Bengt Åström, som har fört klubbens isbok de senaste tjugo åren. ”Förra veckan var den fortfarande trettio centimeter tjock vid bryggan. Sedan kom tre dagars regn och sydlig vind, och då var det slut.”

Kommunen stängde isvägen till Storön i måndags, en vecka tidigare än planerat. De boende på ön är nu hänvisade till den lilla färjan, som normalt inte börjar gå enligt vårtidtabellen förrän i april. Rederiet sätter in en extra avgång på morgonen månaden ut, så att pendlare och skolbarn kommer i tid till fastlandet.

SMHI:s meteorologer säger att den tidiga islossningen passar in i ett mönster som har synts i hela regionen i vinter, med februaritemperaturer långt över det normala. De varnar för att dra för stora slutsatser av en enda säsong, men påpekar att sex av de tio tidigaste islossningarna som har noterats i länets sjöar har inträffat under det senaste decenniet.

För fiskeklubben innebär den tidiga våren både glädje och oro. Pimpeltävlingen som skulle ha hållits den sista helgen i mars är inställd, men klubben förbereder redan en tidig start på gäddsäsongen. ”Vi sjösätter båtarna två veckor tidigare än vanligt”, säger Åström. ”Fisken läser ju inte almanackan den heller.”'
WHERE slug = 'ice-breaks-early-on-lake-norrsjon'
    AND title = 'Ice breaks early on Lake Norrsjön as spring arrives weeks ahead of schedule'
    AND summary = 'The ice on Norrsjön broke up on Thursday, nearly three weeks earlier than the fifty-year average. Anglers, islanders and the ferry operator are adjusting.'
    AND body = 'The ice on Lake Norrsjön broke up on Thursday morning, nearly three weeks earlier than the average recorded since the local angling club began keeping a ledger in 1974. By lunchtime, open water stretched from the harbour in Norrby to the point at Granudden.

"I have walked out on that ice every March for forty years, and I have never seen it go this early," said Bengt Åström, who has kept the club''s ice ledger for the past two decades. "Last week it was still thirty centimetres thick at the jetty. Then came three days of rain and a southerly wind, and that was that."

The municipality closed the ice road to Storön on Monday, a week before the planned date. Residents on the island now rely on the small ferry, which normally does not start its spring timetable until April. The operator says it will run an extra morning departure until the end of the month so that commuters and schoolchildren reach the mainland on time.

Meteorologists at SMHI say the early break-up fits a pattern seen across the region this winter, with February temperatures well above normal. They caution against reading too much into a single season, but note that the last decade has produced six of the ten earliest break-ups on record for lakes in the county.

For the angling club, the early spring brings both relief and worry. The ice-fishing competition planned for the last weekend of March has been cancelled, but the club is already preparing for an early start to the pike season. "We will put the boats in a fortnight early," Åström said. "The fish do not read the calendar either."';
-- +goose StatementEnd

-- +goose StatementBegin
UPDATE articles SET
    title = 'Två byskolor hotas av nedläggning – Norrby saknar 14 miljoner kronor',
    summary = 'Utbildningsförvaltningen föreslår att skolorna i Björkviken och Lillå läggs ned från hösten 2026. Föräldrarna menar att bussresorna blir alldeles för långa för de yngsta eleverna.',
    body = 'Utbildningsförvaltningen i Norrby kommun föreslår att grundskolorna i Björkviken och Lillå läggs ned, när kommunen försöker täcka ett underskott på 14 miljoner kronor i nästa års skolbudget. Enligt förslaget, som Norrby Tidning har tagit del av inför tisdagens nämndsammanträde, ska de 61 eleverna på de två skolorna flytta till Centralskolan i Norrby från och med höstterminen 2026.

Utredningen konstaterar att sjunkande barnkullar har lett till halvtomma klassrum på båda skolorna. Björkviken, som är byggd för 90 elever, har 34 i år och Lillå har 27. Enligt förvaltningens siffror är kostnaden per elev på de två skolorna nästan dubbelt så hög som på Centralskolan, och båda byggnaderna behöver ny ventilation inom tre år, till en beräknad kostnad av 6,5 miljoner kronor.

Föräldrar i Björkviken reagerade med ilska när förslaget blev känt. ”Min dotter är sju år. Med den här planen skulle hon sitta mer än en timme om dagen på en buss, i mörker halva året”, säger Sara Holm, ordförande i skolans föräldraförening. Föreningen har samlat in mer än 800 namnunderskrifter på fyra dagar och tänker lämna över dem till nämnden innan den röstar.

Utbildningsnämndens ordförande Per Lundgren (C) säger att inget beslut är fattat och att nämnden kommer att hålla öppna möten i båda byarna i april. ”Ingen går in i kommunpolitiken för att lägga ned skolor”, säger han. ”Men varje krona vi lägger på att värma upp halvtomma byggnader är en krona vi inte kan lägga på lärare.”

Oppositionen har bett förvaltningen att utreda ett alternativ där de två skolorna slås samman till en, placerad i Björkviken, så att eleverna från Lillå får en kortare bussresa. Förvaltningen väntas presentera den utredningen innan nämnden röstar i maj. Det slutliga beslutet fattas av kommunfullmäktige i juni.'
WHERE slug = 'village-schools-face-closure'
    AND title = 'Two village schools face closure as Norrby weighs a 14-million-krona shortfall'
    AND summary = 'A proposal from the education office would close the schools in Björkviken and Lillå from autumn 2026. Parents say the bus journeys would be far too long for the youngest pupils.'
    AND body = 'Norrby municipality''s education office has proposed closing the primary schools in Björkviken and Lillå as the council tries to close a gap of 14 million kronor in next year''s education budget. The proposal, seen by Norrby Tidning ahead of Tuesday''s committee meeting, would move the 61 pupils at the two schools to Centralskolan in Norrby from the autumn term of 2026.

The report argues that falling birth rates have left both schools with half-empty classrooms. Björkviken, built for 90 pupils, has 34 this year; Lillå has 27. According to the office''s figures, the cost per pupil at the two schools is almost twice that at Centralskolan, and both buildings need new ventilation within three years at an estimated cost of 6.5 million kronor.

Parents in Björkviken reacted with anger when the proposal became known. "My daughter is seven. With this plan she would spend more than an hour a day on a bus, in the dark for half the year," said Sara Holm, who chairs the school''s parents'' association. The association has collected more than 800 signatures in four days and plans to hand them to the committee before the vote.

The chair of the education committee, Per Lundgren (C), said no decision had been made and that the committee would hold public meetings in both villages in April. "Nobody goes into local politics to close schools," he said. "But every krona we spend heating half-empty buildings is a krona we cannot spend on teachers."

The opposition has asked the office to examine an alternative in which the two schools merge into one, located in Björkviken, with pupils from Lillå taking a shorter bus route. The office is expected to present that analysis before the committee votes in May. The final decision rests with the full council in June.';
-- +goose StatementEnd

-- +goose StatementBegin
UPDATE articles SET
    title = 'Sent segermål tog Norrby Bandy upp i Allsvenskan',
    summary = 'Ett mål med nittio sekunder kvar mot Åsby BK säkrade uppflyttningen inför en rekordpublik på 2 300 åskådare på Norrby IP.',
    body = 'Norrby Bandy spelar i Allsvenskan nästa säsong. Emil Strands mål med nittio sekunder kvar gav hemmalaget segern med 4–3 i söndagens avgörande kvalmatch mot Åsby BK. De 2 300 åskådarna, den största publiken på Norrby IP sedan arenan fick konstfrusen is 2009, vällde ut på isen vid slutsignalen.

Det var en match som svängde fram och tillbaka. Åsby ledde med 2–0 efter tjugo minuter, och tränaren Lars Wikström medgav efteråt att han hade befarat det värsta. Två hörnmål före paus, båda signerade lagkaptenen Oskar Nilsson, gjorde det 2–2, och i mitten av andra halvlek gjorde lagen varsitt mål.

Segermålet kom på en kontring. Strand, nitton år och inne på sin första hela säsong i A-laget, tog emot ett långt utkast från målvakten, gick förbi den sista försvararen och placerade skottet lågt innanför bortre stolpen. ”Jag såg faktiskt inte när den gick in”, säger han. ”Jag hörde bara jublet.”

Uppflyttningen ställer nya krav. Klubben behöver omkring 400 000 kronor mer i budgeten för att klara längre bortaresor och seriens krav på domare och sjukvårdspersonal. Klubbens ordförande Annika Berglund säger att två lokala företag redan har lovat att öka sitt sponsorstöd, och nästa månad drar klubben i gång en kampanj för att värva fler stödmedlemmar.

För Wikström, som själv spelade i klubben när den senast nådde Allsvenskan 1998, var segern personlig. ”Det fanns folk på läktaren som såg mig spela när jag var pojke”, säger han. ”Nu har deras barnbarn sett oss gå upp igen. Det är det en klubb som den här finns till för.”'
WHERE slug = 'norrby-bandy-wins-promotion'
    AND title = 'Late winner sends Norrby Bandy up to Allsvenskan'
    AND summary = 'A goal with ninety seconds left against Åsby BK secured promotion in front of a record crowd of 2,300 at Norrby IP.'
    AND body = 'Norrby Bandy will play in Allsvenskan next season after Emil Strand''s goal with ninety seconds remaining gave the home side a 4–3 win in Sunday''s deciding qualifier against Åsby BK. A crowd of 2,300, the largest at Norrby IP since the ground got artificial ice in 2009, poured onto the rink at the final whistle.

It was a match that swung back and forth. Åsby led 2–0 after twenty minutes, and coach Lars Wikström admitted afterwards that he had feared the worst. Two goals from corners before the break, both from captain Oskar Nilsson, levelled the score, and the teams traded goals again midway through the second half.

The winner came from a counter-attack. Strand, nineteen and in his first full season with the senior team, collected a long ball from the goalkeeper, went past the last defender and placed his shot low inside the far post. "I did not really see it go in," he said. "I just heard the noise."

Promotion brings new demands. The club will need around 400,000 kronor more in its budget to cover longer away trips and the league''s requirements for referees and medical staff. Chair Annika Berglund says two local companies have already promised to increase their sponsorship, and the club will launch a supporters'' membership drive next month.

For Wikström, who played for the club when it last reached Allsvenskan in 1998, the win was personal. "There were people in that crowd who watched me play as a boy," he said. "Now their grandchildren have seen us go up again. That is what a club like this is for."';
-- +goose StatementEnd

-- +goose StatementBegin
UPDATE articles SET
    title = 'Så satsar Norrby Trä 300 miljoner kronor på korslimmat trä',
    summary = 'Det familjeägda sågverket bygger en fabrik för korslimmade träelement som enligt företaget ska ge 45 nya jobb. Kritiker undrar om efterfrågan på trähus kommer att hålla i sig.',
    body = 'Bakom sågverket i östra utkanten av Norrby reser sig stålstommen till en ny hall ur snön. När den står klar nästa vår räknar Norrby Trä med att tillverka 60 000 kubikmeter korslimmat trä om året: tjocka skivor av limmade granbrädor som kan ersätta betong i väggar och bjälklag i flerbostadshus, skolor och kontor.

Investeringen, omkring 300 miljoner kronor, är den största i företagets nittioåriga historia. Helena Forsberg, som är vd, säger att det handlar om att ta sig uppåt i värdekedjan. ”I dag säljer vi det mesta av vårt sågade virke som en bulkvara, till priser som sätts på marknader vi inte styr över”, säger hon. ”Med korslimmat trä säljer vi färdiga byggelement, konstruerade för ett bestämt projekt. Då stannar marginalen här i Norrby.”

Företaget räknar med att anställa 45 personer till den nya linjen, de flesta maskinoperatörer och CNC-tekniker. Norrby Trä samarbetar med gymnasieskolan om en ny inriktning mot träteknik och har erbjudit sommarjobb till elever som väljer den. Forsberg medger att rekryteringen är det hon oroar sig mest för. ”Maskinerna kan vi köpa. Människorna måste vi hitta, utbilda och övertyga om att stanna.”

Alla är inte övertygade om att tidpunkten är rätt. Antalet påbörjade bostäder i Sverige föll kraftigt 2023 och 2024, och flera tillverkare av korslimmat trä har skjutit upp sina utbyggnadsplaner. Maria Ek, analytiker som följer skogsindustrin, säger att de långsiktiga skälen för att bygga i trä är starka, men att en nykomling måste kunna hålla nere priserna för att konkurrera med större, etablerade fabriker. ”Risken är inte att trähus går ur modet, utan att för mycket kapacitet kommer ut på marknaden samtidigt.”

Kommunen har ställt sig bakom projektet genom att utvidga industriområdet och rusta upp vägen till E4:an, för 22 miljoner kronor. Kommunalrådet Ingrid Palm (S) kallar det den viktigaste industriinvesteringen i Norrby på en generation. ”För varje jobb på sågverket finns det jobb på åkerierna, verkstäderna och i butikerna i stan”, säger hon.

De första skivorna ska lämna fabriken under andra kvartalet nästa år. Norrby Trä uppger att företaget redan har avsiktsförklaringar som täcker ungefär en tredjedel av det första årets produktion, bland annat två skolbyggnader i länet.'
WHERE slug = 'sawmill-bets-on-cross-laminated-timber'
    AND title = 'Inside Norrby Trä''s 300-million-krona bet on cross-laminated timber'
    AND summary = 'The family-owned sawmill is building a factory for engineered wood panels that it says will create 45 jobs. Critics question whether the market for timber housing will hold.'
    AND body = 'Behind the sawmill on the eastern edge of town, the steel frame of a new hall is rising out of the snow. When it is finished next spring, Norrby Trä expects it to turn out 60,000 cubic metres a year of cross-laminated timber: thick panels of glued spruce boards that can replace concrete in the walls and floors of apartment blocks, schools and offices.

The investment, around 300 million kronor, is the largest in the company''s ninety-year history. Chief executive Helena Forsberg says it is about moving up the value chain. "Today we sell most of our sawn timber as a commodity, at prices set in markets we do not control," she said. "With cross-laminated timber we sell finished building elements, designed for a specific project. The margin stays here in Norrby."

The company expects to hire 45 people for the new line, most of them machine operators and CNC technicians. It is working with the upper-secondary school on a new wood-technology programme and has offered summer jobs to students who choose it. Forsberg admits that recruitment is her biggest worry. "The machines we can buy. The people we have to find, train and convince to stay."

Not everyone is convinced by the timing. Housing starts in Sweden fell sharply in 2023 and 2024, and several producers of engineered timber have postponed expansion plans. Maria Ek, an analyst who follows the forest industry, says the long-term case for building in wood is strong, but that a newcomer will have to compete on price with larger, established factories. "The risk is not that timber buildings go out of fashion. It is that too much capacity arrives at the same time."

The municipality has backed the project by extending the industrial area and upgrading the road to the E4, at a cost of 22 million kronor. Municipal commissioner Ingrid Palm (S) calls it the most important industrial investment in Norrby in a generation. "For every job at the sawmill there are jobs at the hauliers, the workshops and the shops in town," she said.

The first panels are due to leave the factory in the second quarter of next year. Norrby Trä says it already holds letters of intent covering about a third of the first year''s production, including two school buildings in the county.';
-- +goose StatementEnd

-- +goose StatementBegin
UPDATE articles SET
    title = 'Biblioteket i Norrby öppnar på söndagar efter en rekordvinter',
    summary = 'Besöken på huvudbiblioteket ökade med nästan en fjärdedel i vinter. Från april håller det öppet på söndagseftermiddagar och är bemannat till klockan 20 två kvällar i veckan.',
    body = 'Huvudbiblioteket i Norrby öppnar på söndagseftermiddagar från och med den 1 april, efter en vinter då antalet besök ökade med nästan en fjärdedel jämfört med i fjol. Biblioteket kommer också att vara bemannat till klockan 20 på tisdagar och torsdagar.

Bibliotekschefen Eva Sjöberg säger att ökningen inte bara handlar om böcker. ”Folk kommer hit för att plugga, använda datorerna, få hjälp med bankens app eller en blankett från Skatteverket, eller helt enkelt för att sitta någonstans där det är varmt, bland andra människor”, säger hon. ”För många som bor ensamma är biblioteket det enda stället i stan där man kan tillbringa en eftermiddag utan att köpa något.”

De längre öppettiderna blir möjliga tack vare ett bidrag på 650 000 kronor från kulturnämnden och ett system för meröppet, där låntagare kan gå in med sitt lånekort och en pinkod på morgonen innan personalen kommer. Systemet har prövats sedan oktober, och enligt Sjöberg har det inte förekommit några problem med skadegörelse eller stölder.

Söndagsöppet inleds med ett program för familjer: sagostund för de minsta klockan 13 och läxhjälp med volontärer från gymnasieskolan. I maj arrangerar biblioteket tillsammans med hembygdsföreningen en föreläsningsserie om järnbrukets historia i Lillå.

Öppettiderna på filialerna i Björkviken och på Storön är tills vidare oförändrade. Kulturnämnden ska se över besökssiffrorna i höst innan den beslutar om även de ska få längre öppettider.'
WHERE slug = 'library-opens-on-sundays'
    AND title = 'Norrby library opens on Sundays after a record winter'
    AND summary = 'Visits to the main library rose by almost a quarter this winter. From April it will open on Sunday afternoons and stay staffed until eight two evenings a week.'
    AND body = 'The main library in Norrby will open on Sunday afternoons from the first of April, after a winter in which the number of visits rose by almost a quarter compared with last year. The library will also stay staffed until eight in the evening on Tuesdays and Thursdays.

Head librarian Eva Sjöberg says the increase is not only about books. "People come to study, to use the computers, to get help with the bank''s app or a form from the Tax Agency, or simply to sit somewhere warm with other people," she said. "For many who live alone, the library is the one place in town where you can spend an afternoon without buying anything."

The longer hours are made possible by a grant of 650,000 kronor from the culture committee and by a self-service system that lets card holders enter with their library card and a PIN code in the mornings before staff arrive. The system has been on trial since October, and Sjöberg says there have been no problems with damage or theft.

Sunday opening will begin with a programme for families: story time for the youngest at one o''clock, and a homework club run by volunteers from the upper-secondary school. In May the library will host a series of talks on the history of the ironworks in Lillå, together with the local heritage society.

Opening hours at the branch libraries in Björkviken and on Storön are unchanged for now. The culture committee will review visitor numbers in the autumn before deciding whether to extend them as well.';
-- +goose StatementEnd

-- +goose StatementBegin
UPDATE articles SET
    title = 'Bostadskön som tvingar unga att lämna Norrby',
    summary = 'Den genomsnittliga väntetiden för en hyresrätt hos det kommunala bostadsbolaget är nu över fyra år. Vi har följt tre unga vuxna som försöker bo kvar i sin hemstad.',
    body = 'Alva Persson är 23 år, arbetar heltid som undersköterska på vårdcentralen och sover fortfarande i sitt gamla flickrum. Hon ställde sig i kön till en lägenhet hos Norrbyhem, det kommunala bostadsbolaget, på sin artonårsdag. Fem år senare har hon inte fått erbjudande om en enda visning.

Hon är långt ifrån ensam. Enligt siffror som Norrby Tidning har fått från Norrbyhem var den genomsnittliga väntetiden för en etta eller tvåa i centrala Norrby fyra år och tre månader förra året, jämfört med arton månader 2015. Färre än en av tio lägenheter som blev lediga gick till någon under 25 år.

Bristen har en enkel orsak, säger Norrbyhems vd Tomas Lind: nästan ingenting har byggts. Bolagets senaste nybygge stod klart 2011. ”Byggkostnaderna har fördubblats, men hyrorna vi kan ta ut i Norrby har inte gjort det”, säger han. ”En nybyggd tvåa skulle behöva en hyra på minst 11 000 kronor i månaden för att bära sina kostnader. Det är få unga här som har råd med det.”

För många blir lösningen att flytta. Siffror från SCB visar att Norrby förra året minskade med netto 140 invånare i åldern 20 till 29 år, den största utflyttningen på ett decennium. Elektrikern Simon Ahlgren, 26, flyttade till Umeå i januari efter två år med andrahandskontrakt och nätter på kompisars soffor. ”Jag hade jobb här, vänner, min familj”, säger han. ”Det jag inte hade var en egen ytterdörr.”

Andra hittar andra vägar. Elin Mäkinen, 24, och hennes sambo köpte i höstas ett litet hus i Lillå för mindre än vad en ny bil kostar. Det behöver nytt tak och pendlingen tar fyrtio minuter, men det var det enda boende de hade råd med. ”Alla pratar om bostadskön”, säger hon. ”Ingen pratar om hur många hus som står tomma i byarna.”

Den styrande majoriteten har lovat ett bostadsprogram före sommaren, med bland annat mark för mindre hyreshus och stöd till förstagångsköpare i byarna. För Alva Persson kan det inte gå fort nog. ”Jag älskar den här stan”, säger hon. ”Men jag har börjat titta på bostadsannonser på andra orter.”'
WHERE slug = 'housing-queue-pushes-young-people-out'
    AND title = 'The housing queue that is pushing young people out of Norrby'
    AND summary = 'The average wait for a rental flat from the municipal housing company is now more than four years. We followed three young adults trying to stay in their home town.'
    AND body = 'Alva Persson is twenty-three, works full time as an assistant nurse at the health centre, and still sleeps in her childhood bedroom. She joined the queue for a flat with Norrbyhem, the municipal housing company, on her eighteenth birthday. Five years later, she has not been offered a single viewing.

She is far from alone. According to figures Norrby Tidning obtained from Norrbyhem, the average wait for a one- or two-room flat in central Norrby was four years and three months last year, up from eighteen months in 2015. Fewer than one in ten of the flats that became available went to someone under twenty-five.

The shortage has a simple cause, says Norrbyhem''s chief executive Tomas Lind: almost nothing has been built. The company completed its last new block in 2011. "Construction costs have doubled while the rents we can charge in Norrby have not," he said. "A new two-room flat would need a rent of at least 11,000 kronor a month to cover its costs. Few young people here can pay that."

For many, the answer is to leave. Figures from Statistics Sweden show that Norrby lost a net 140 residents aged 20 to 29 last year, the largest outflow in a decade. Simon Ahlgren, 26, an electrician, moved to Umeå in January after two years of sublets and borrowed sofas. "I had work here, friends, my family," he said. "What I did not have was a front door of my own."

Some are finding other ways. Elin Mäkinen, 24, and her partner bought a small house in Lillå last autumn for less than the price of a new car. It needs a new roof and the commute takes forty minutes, but it was the only home they could afford. "Everyone talks about the housing queue," she said. "Nobody talks about how many houses stand empty in the villages."

The council majority has promised a housing programme before the summer, including land for small rental blocks and support for first-time buyers in the villages. For Alva Persson, it cannot come soon enough. "I love this town," she said. "But I have started looking at adverts in other places."';
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
UPDATE articles SET
    title = 'Ice breaks early on Lake Norrsjön as spring arrives weeks ahead of schedule',
    summary = 'The ice on Norrsjön broke up on Thursday, nearly three weeks earlier than the fifty-year average. Anglers, islanders and the ferry operator are adjusting.',
    body = 'The ice on Lake Norrsjön broke up on Thursday morning, nearly three weeks earlier than the average recorded since the local angling club began keeping a ledger in 1974. By lunchtime, open water stretched from the harbour in Norrby to the point at Granudden.

"I have walked out on that ice every March for forty years, and I have never seen it go this early," said Bengt Åström, who has kept the club''s ice ledger for the past two decades. "Last week it was still thirty centimetres thick at the jetty. Then came three days of rain and a southerly wind, and that was that."

The municipality closed the ice road to Storön on Monday, a week before the planned date. Residents on the island now rely on the small ferry, which normally does not start its spring timetable until April. The operator says it will run an extra morning departure until the end of the month so that commuters and schoolchildren reach the mainland on time.

Meteorologists at SMHI say the early break-up fits a pattern seen across the region this winter, with February temperatures well above normal. They caution against reading too much into a single season, but note that the last decade has produced six of the ten earliest break-ups on record for lakes in the county.

For the angling club, the early spring brings both relief and worry. The ice-fishing competition planned for the last weekend of March has been cancelled, but the club is already preparing for an early start to the pike season. "We will put the boats in a fortnight early," Åström said. "The fish do not read the calendar either."'
WHERE slug = 'ice-breaks-early-on-lake-norrsjon'
    AND title = 'Isen har gått upp på Norrsjön – våren är flera veckor före'
    AND summary = 'Isen på Norrsjön gick upp i torsdags, nästan tre veckor tidigare än genomsnittet för de senaste femtio åren. Fiskarna, öborna och färjetrafiken får ställa om.'
    AND body = 'Isen på Norrsjön gick upp på torsdagsmorgonen, nästan tre veckor tidigare än genomsnittet sedan Norrby sportfiskeklubb började föra bok över isen 1974. Vid lunchtid var det öppet vatten hela vägen från hamnen i Norrby ut till Granudden.

”Jag har gått ut på den isen varje mars i fyrtio år, och jag har aldrig sett den gå upp så här tidigt”, säger Bengt Åström, som har fört klubbens isbok de senaste tjugo åren. ”Förra veckan var den fortfarande trettio centimeter tjock vid bryggan. Sedan kom tre dagars regn och sydlig vind, och då var det slut.”

Kommunen stängde isvägen till Storön i måndags, en vecka tidigare än planerat. De boende på ön är nu hänvisade till den lilla färjan, som normalt inte börjar gå enligt vårtidtabellen förrän i april. Rederiet sätter in en extra avgång på morgonen månaden ut, så att pendlare och skolbarn kommer i tid till fastlandet.

SMHI:s meteorologer säger att den tidiga islossningen passar in i ett mönster som har synts i hela regionen i vinter, med februaritemperaturer långt över det normala. De varnar för att dra för stora slutsatser av en enda säsong, men påpekar att sex av de tio tidigaste islossningarna som har noterats i länets sjöar har inträffat under det senaste decenniet.

För fiskeklubben innebär den tidiga våren både glädje och oro. Pimpeltävlingen som skulle ha hållits den sista helgen i mars är inställd, men klubben förbereder redan en tidig start på gäddsäsongen. ”Vi sjösätter båtarna två veckor tidigare än vanligt”, säger Åström. ”Fisken läser ju inte almanackan den heller.”';
-- +goose StatementEnd

-- +goose StatementBegin
UPDATE articles SET
    title = 'Two village schools face closure as Norrby weighs a 14-million-krona shortfall',
    summary = 'A proposal from the education office would close the schools in Björkviken and Lillå from autumn 2026. Parents say the bus journeys would be far too long for the youngest pupils.',
    body = 'Norrby municipality''s education office has proposed closing the primary schools in Björkviken and Lillå as the council tries to close a gap of 14 million kronor in next year''s education budget. The proposal, seen by Norrby Tidning ahead of Tuesday''s committee meeting, would move the 61 pupils at the two schools to Centralskolan in Norrby from the autumn term of 2026.

The report argues that falling birth rates have left both schools with half-empty classrooms. Björkviken, built for 90 pupils, has 34 this year; Lillå has 27. According to the office''s figures, the cost per pupil at the two schools is almost twice that at Centralskolan, and both buildings need new ventilation within three years at an estimated cost of 6.5 million kronor.

Parents in Björkviken reacted with anger when the proposal became known. "My daughter is seven. With this plan she would spend more than an hour a day on a bus, in the dark for half the year," said Sara Holm, who chairs the school''s parents'' association. The association has collected more than 800 signatures in four days and plans to hand them to the committee before the vote.

The chair of the education committee, Per Lundgren (C), said no decision had been made and that the committee would hold public meetings in both villages in April. "Nobody goes into local politics to close schools," he said. "But every krona we spend heating half-empty buildings is a krona we cannot spend on teachers."

The opposition has asked the office to examine an alternative in which the two schools merge into one, located in Björkviken, with pupils from Lillå taking a shorter bus route. The office is expected to present that analysis before the committee votes in May. The final decision rests with the full council in June.'
WHERE slug = 'village-schools-face-closure'
    AND title = 'Två byskolor hotas av nedläggning – Norrby saknar 14 miljoner kronor'
    AND summary = 'Utbildningsförvaltningen föreslår att skolorna i Björkviken och Lillå läggs ned från hösten 2026. Föräldrarna menar att bussresorna blir alldeles för långa för de yngsta eleverna.'
    AND body = 'Utbildningsförvaltningen i Norrby kommun föreslår att grundskolorna i Björkviken och Lillå läggs ned, när kommunen försöker täcka ett underskott på 14 miljoner kronor i nästa års skolbudget. Enligt förslaget, som Norrby Tidning har tagit del av inför tisdagens nämndsammanträde, ska de 61 eleverna på de två skolorna flytta till Centralskolan i Norrby från och med höstterminen 2026.

Utredningen konstaterar att sjunkande barnkullar har lett till halvtomma klassrum på båda skolorna. Björkviken, som är byggd för 90 elever, har 34 i år och Lillå har 27. Enligt förvaltningens siffror är kostnaden per elev på de två skolorna nästan dubbelt så hög som på Centralskolan, och båda byggnaderna behöver ny ventilation inom tre år, till en beräknad kostnad av 6,5 miljoner kronor.

Föräldrar i Björkviken reagerade med ilska när förslaget blev känt. ”Min dotter är sju år. Med den här planen skulle hon sitta mer än en timme om dagen på en buss, i mörker halva året”, säger Sara Holm, ordförande i skolans föräldraförening. Föreningen har samlat in mer än 800 namnunderskrifter på fyra dagar och tänker lämna över dem till nämnden innan den röstar.

Utbildningsnämndens ordförande Per Lundgren (C) säger att inget beslut är fattat och att nämnden kommer att hålla öppna möten i båda byarna i april. ”Ingen går in i kommunpolitiken för att lägga ned skolor”, säger han. ”Men varje krona vi lägger på att värma upp halvtomma byggnader är en krona vi inte kan lägga på lärare.”

Oppositionen har bett förvaltningen att utreda ett alternativ där de två skolorna slås samman till en, placerad i Björkviken, så att eleverna från Lillå får en kortare bussresa. Förvaltningen väntas presentera den utredningen innan nämnden röstar i maj. Det slutliga beslutet fattas av kommunfullmäktige i juni.';
-- +goose StatementEnd

-- +goose StatementBegin
UPDATE articles SET
    title = 'Late winner sends Norrby Bandy up to Allsvenskan',
    summary = 'A goal with ninety seconds left against Åsby BK secured promotion in front of a record crowd of 2,300 at Norrby IP.',
    body = 'Norrby Bandy will play in Allsvenskan next season after Emil Strand''s goal with ninety seconds remaining gave the home side a 4–3 win in Sunday''s deciding qualifier against Åsby BK. A crowd of 2,300, the largest at Norrby IP since the ground got artificial ice in 2009, poured onto the rink at the final whistle.

It was a match that swung back and forth. Åsby led 2–0 after twenty minutes, and coach Lars Wikström admitted afterwards that he had feared the worst. Two goals from corners before the break, both from captain Oskar Nilsson, levelled the score, and the teams traded goals again midway through the second half.

The winner came from a counter-attack. Strand, nineteen and in his first full season with the senior team, collected a long ball from the goalkeeper, went past the last defender and placed his shot low inside the far post. "I did not really see it go in," he said. "I just heard the noise."

Promotion brings new demands. The club will need around 400,000 kronor more in its budget to cover longer away trips and the league''s requirements for referees and medical staff. Chair Annika Berglund says two local companies have already promised to increase their sponsorship, and the club will launch a supporters'' membership drive next month.

For Wikström, who played for the club when it last reached Allsvenskan in 1998, the win was personal. "There were people in that crowd who watched me play as a boy," he said. "Now their grandchildren have seen us go up again. That is what a club like this is for."'
WHERE slug = 'norrby-bandy-wins-promotion'
    AND title = 'Sent segermål tog Norrby Bandy upp i Allsvenskan'
    AND summary = 'Ett mål med nittio sekunder kvar mot Åsby BK säkrade uppflyttningen inför en rekordpublik på 2 300 åskådare på Norrby IP.'
    AND body = 'Norrby Bandy spelar i Allsvenskan nästa säsong. Emil Strands mål med nittio sekunder kvar gav hemmalaget segern med 4–3 i söndagens avgörande kvalmatch mot Åsby BK. De 2 300 åskådarna, den största publiken på Norrby IP sedan arenan fick konstfrusen is 2009, vällde ut på isen vid slutsignalen.

Det var en match som svängde fram och tillbaka. Åsby ledde med 2–0 efter tjugo minuter, och tränaren Lars Wikström medgav efteråt att han hade befarat det värsta. Två hörnmål före paus, båda signerade lagkaptenen Oskar Nilsson, gjorde det 2–2, och i mitten av andra halvlek gjorde lagen varsitt mål.

Segermålet kom på en kontring. Strand, nitton år och inne på sin första hela säsong i A-laget, tog emot ett långt utkast från målvakten, gick förbi den sista försvararen och placerade skottet lågt innanför bortre stolpen. ”Jag såg faktiskt inte när den gick in”, säger han. ”Jag hörde bara jublet.”

Uppflyttningen ställer nya krav. Klubben behöver omkring 400 000 kronor mer i budgeten för att klara längre bortaresor och seriens krav på domare och sjukvårdspersonal. Klubbens ordförande Annika Berglund säger att två lokala företag redan har lovat att öka sitt sponsorstöd, och nästa månad drar klubben i gång en kampanj för att värva fler stödmedlemmar.

För Wikström, som själv spelade i klubben när den senast nådde Allsvenskan 1998, var segern personlig. ”Det fanns folk på läktaren som såg mig spela när jag var pojke”, säger han. ”Nu har deras barnbarn sett oss gå upp igen. Det är det en klubb som den här finns till för.”';
-- +goose StatementEnd

-- +goose StatementBegin
UPDATE articles SET
    title = 'Inside Norrby Trä''s 300-million-krona bet on cross-laminated timber',
    summary = 'The family-owned sawmill is building a factory for engineered wood panels that it says will create 45 jobs. Critics question whether the market for timber housing will hold.',
    body = 'Behind the sawmill on the eastern edge of town, the steel frame of a new hall is rising out of the snow. When it is finished next spring, Norrby Trä expects it to turn out 60,000 cubic metres a year of cross-laminated timber: thick panels of glued spruce boards that can replace concrete in the walls and floors of apartment blocks, schools and offices.

The investment, around 300 million kronor, is the largest in the company''s ninety-year history. Chief executive Helena Forsberg says it is about moving up the value chain. "Today we sell most of our sawn timber as a commodity, at prices set in markets we do not control," she said. "With cross-laminated timber we sell finished building elements, designed for a specific project. The margin stays here in Norrby."

The company expects to hire 45 people for the new line, most of them machine operators and CNC technicians. It is working with the upper-secondary school on a new wood-technology programme and has offered summer jobs to students who choose it. Forsberg admits that recruitment is her biggest worry. "The machines we can buy. The people we have to find, train and convince to stay."

Not everyone is convinced by the timing. Housing starts in Sweden fell sharply in 2023 and 2024, and several producers of engineered timber have postponed expansion plans. Maria Ek, an analyst who follows the forest industry, says the long-term case for building in wood is strong, but that a newcomer will have to compete on price with larger, established factories. "The risk is not that timber buildings go out of fashion. It is that too much capacity arrives at the same time."

The municipality has backed the project by extending the industrial area and upgrading the road to the E4, at a cost of 22 million kronor. Municipal commissioner Ingrid Palm (S) calls it the most important industrial investment in Norrby in a generation. "For every job at the sawmill there are jobs at the hauliers, the workshops and the shops in town," she said.

The first panels are due to leave the factory in the second quarter of next year. Norrby Trä says it already holds letters of intent covering about a third of the first year''s production, including two school buildings in the county.'
WHERE slug = 'sawmill-bets-on-cross-laminated-timber'
    AND title = 'Så satsar Norrby Trä 300 miljoner kronor på korslimmat trä'
    AND summary = 'Det familjeägda sågverket bygger en fabrik för korslimmade träelement som enligt företaget ska ge 45 nya jobb. Kritiker undrar om efterfrågan på trähus kommer att hålla i sig.'
    AND body = 'Bakom sågverket i östra utkanten av Norrby reser sig stålstommen till en ny hall ur snön. När den står klar nästa vår räknar Norrby Trä med att tillverka 60 000 kubikmeter korslimmat trä om året: tjocka skivor av limmade granbrädor som kan ersätta betong i väggar och bjälklag i flerbostadshus, skolor och kontor.

Investeringen, omkring 300 miljoner kronor, är den största i företagets nittioåriga historia. Helena Forsberg, som är vd, säger att det handlar om att ta sig uppåt i värdekedjan. ”I dag säljer vi det mesta av vårt sågade virke som en bulkvara, till priser som sätts på marknader vi inte styr över”, säger hon. ”Med korslimmat trä säljer vi färdiga byggelement, konstruerade för ett bestämt projekt. Då stannar marginalen här i Norrby.”

Företaget räknar med att anställa 45 personer till den nya linjen, de flesta maskinoperatörer och CNC-tekniker. Norrby Trä samarbetar med gymnasieskolan om en ny inriktning mot träteknik och har erbjudit sommarjobb till elever som väljer den. Forsberg medger att rekryteringen är det hon oroar sig mest för. ”Maskinerna kan vi köpa. Människorna måste vi hitta, utbilda och övertyga om att stanna.”

Alla är inte övertygade om att tidpunkten är rätt. Antalet påbörjade bostäder i Sverige föll kraftigt 2023 och 2024, och flera tillverkare av korslimmat trä har skjutit upp sina utbyggnadsplaner. Maria Ek, analytiker som följer skogsindustrin, säger att de långsiktiga skälen för att bygga i trä är starka, men att en nykomling måste kunna hålla nere priserna för att konkurrera med större, etablerade fabriker. ”Risken är inte att trähus går ur modet, utan att för mycket kapacitet kommer ut på marknaden samtidigt.”

Kommunen har ställt sig bakom projektet genom att utvidga industriområdet och rusta upp vägen till E4:an, för 22 miljoner kronor. Kommunalrådet Ingrid Palm (S) kallar det den viktigaste industriinvesteringen i Norrby på en generation. ”För varje jobb på sågverket finns det jobb på åkerierna, verkstäderna och i butikerna i stan”, säger hon.

De första skivorna ska lämna fabriken under andra kvartalet nästa år. Norrby Trä uppger att företaget redan har avsiktsförklaringar som täcker ungefär en tredjedel av det första årets produktion, bland annat två skolbyggnader i länet.';
-- +goose StatementEnd

-- +goose StatementBegin
UPDATE articles SET
    title = 'Norrby library opens on Sundays after a record winter',
    summary = 'Visits to the main library rose by almost a quarter this winter. From April it will open on Sunday afternoons and stay staffed until eight two evenings a week.',
    body = 'The main library in Norrby will open on Sunday afternoons from the first of April, after a winter in which the number of visits rose by almost a quarter compared with last year. The library will also stay staffed until eight in the evening on Tuesdays and Thursdays.

Head librarian Eva Sjöberg says the increase is not only about books. "People come to study, to use the computers, to get help with the bank''s app or a form from the Tax Agency, or simply to sit somewhere warm with other people," she said. "For many who live alone, the library is the one place in town where you can spend an afternoon without buying anything."

The longer hours are made possible by a grant of 650,000 kronor from the culture committee and by a self-service system that lets card holders enter with their library card and a PIN code in the mornings before staff arrive. The system has been on trial since October, and Sjöberg says there have been no problems with damage or theft.

Sunday opening will begin with a programme for families: story time for the youngest at one o''clock, and a homework club run by volunteers from the upper-secondary school. In May the library will host a series of talks on the history of the ironworks in Lillå, together with the local heritage society.

Opening hours at the branch libraries in Björkviken and on Storön are unchanged for now. The culture committee will review visitor numbers in the autumn before deciding whether to extend them as well.'
WHERE slug = 'library-opens-on-sundays'
    AND title = 'Biblioteket i Norrby öppnar på söndagar efter en rekordvinter'
    AND summary = 'Besöken på huvudbiblioteket ökade med nästan en fjärdedel i vinter. Från april håller det öppet på söndagseftermiddagar och är bemannat till klockan 20 två kvällar i veckan.'
    AND body = 'Huvudbiblioteket i Norrby öppnar på söndagseftermiddagar från och med den 1 april, efter en vinter då antalet besök ökade med nästan en fjärdedel jämfört med i fjol. Biblioteket kommer också att vara bemannat till klockan 20 på tisdagar och torsdagar.

Bibliotekschefen Eva Sjöberg säger att ökningen inte bara handlar om böcker. ”Folk kommer hit för att plugga, använda datorerna, få hjälp med bankens app eller en blankett från Skatteverket, eller helt enkelt för att sitta någonstans där det är varmt, bland andra människor”, säger hon. ”För många som bor ensamma är biblioteket det enda stället i stan där man kan tillbringa en eftermiddag utan att köpa något.”

De längre öppettiderna blir möjliga tack vare ett bidrag på 650 000 kronor från kulturnämnden och ett system för meröppet, där låntagare kan gå in med sitt lånekort och en pinkod på morgonen innan personalen kommer. Systemet har prövats sedan oktober, och enligt Sjöberg har det inte förekommit några problem med skadegörelse eller stölder.

Söndagsöppet inleds med ett program för familjer: sagostund för de minsta klockan 13 och läxhjälp med volontärer från gymnasieskolan. I maj arrangerar biblioteket tillsammans med hembygdsföreningen en föreläsningsserie om järnbrukets historia i Lillå.

Öppettiderna på filialerna i Björkviken och på Storön är tills vidare oförändrade. Kulturnämnden ska se över besökssiffrorna i höst innan den beslutar om även de ska få längre öppettider.';
-- +goose StatementEnd

-- +goose StatementBegin
UPDATE articles SET
    title = 'The housing queue that is pushing young people out of Norrby',
    summary = 'The average wait for a rental flat from the municipal housing company is now more than four years. We followed three young adults trying to stay in their home town.',
    body = 'Alva Persson is twenty-three, works full time as an assistant nurse at the health centre, and still sleeps in her childhood bedroom. She joined the queue for a flat with Norrbyhem, the municipal housing company, on her eighteenth birthday. Five years later, she has not been offered a single viewing.

She is far from alone. According to figures Norrby Tidning obtained from Norrbyhem, the average wait for a one- or two-room flat in central Norrby was four years and three months last year, up from eighteen months in 2015. Fewer than one in ten of the flats that became available went to someone under twenty-five.

The shortage has a simple cause, says Norrbyhem''s chief executive Tomas Lind: almost nothing has been built. The company completed its last new block in 2011. "Construction costs have doubled while the rents we can charge in Norrby have not," he said. "A new two-room flat would need a rent of at least 11,000 kronor a month to cover its costs. Few young people here can pay that."

For many, the answer is to leave. Figures from Statistics Sweden show that Norrby lost a net 140 residents aged 20 to 29 last year, the largest outflow in a decade. Simon Ahlgren, 26, an electrician, moved to Umeå in January after two years of sublets and borrowed sofas. "I had work here, friends, my family," he said. "What I did not have was a front door of my own."

Some are finding other ways. Elin Mäkinen, 24, and her partner bought a small house in Lillå last autumn for less than the price of a new car. It needs a new roof and the commute takes forty minutes, but it was the only home they could afford. "Everyone talks about the housing queue," she said. "Nobody talks about how many houses stand empty in the villages."

The council majority has promised a housing programme before the summer, including land for small rental blocks and support for first-time buyers in the villages. For Alva Persson, it cannot come soon enough. "I love this town," she said. "But I have started looking at adverts in other places."'
WHERE slug = 'housing-queue-pushes-young-people-out'
    AND title = 'Bostadskön som tvingar unga att lämna Norrby'
    AND summary = 'Den genomsnittliga väntetiden för en hyresrätt hos det kommunala bostadsbolaget är nu över fyra år. Vi har följt tre unga vuxna som försöker bo kvar i sin hemstad.'
    AND body = 'Alva Persson är 23 år, arbetar heltid som undersköterska på vårdcentralen och sover fortfarande i sitt gamla flickrum. Hon ställde sig i kön till en lägenhet hos Norrbyhem, det kommunala bostadsbolaget, på sin artonårsdag. Fem år senare har hon inte fått erbjudande om en enda visning.

Hon är långt ifrån ensam. Enligt siffror som Norrby Tidning har fått från Norrbyhem var den genomsnittliga väntetiden för en etta eller tvåa i centrala Norrby fyra år och tre månader förra året, jämfört med arton månader 2015. Färre än en av tio lägenheter som blev lediga gick till någon under 25 år.

Bristen har en enkel orsak, säger Norrbyhems vd Tomas Lind: nästan ingenting har byggts. Bolagets senaste nybygge stod klart 2011. ”Byggkostnaderna har fördubblats, men hyrorna vi kan ta ut i Norrby har inte gjort det”, säger han. ”En nybyggd tvåa skulle behöva en hyra på minst 11 000 kronor i månaden för att bära sina kostnader. Det är få unga här som har råd med det.”

För många blir lösningen att flytta. Siffror från SCB visar att Norrby förra året minskade med netto 140 invånare i åldern 20 till 29 år, den största utflyttningen på ett decennium. Elektrikern Simon Ahlgren, 26, flyttade till Umeå i januari efter två år med andrahandskontrakt och nätter på kompisars soffor. ”Jag hade jobb här, vänner, min familj”, säger han. ”Det jag inte hade var en egen ytterdörr.”

Andra hittar andra vägar. Elin Mäkinen, 24, och hennes sambo köpte i höstas ett litet hus i Lillå för mindre än vad en ny bil kostar. Det behöver nytt tak och pendlingen tar fyrtio minuter, men det var det enda boende de hade råd med. ”Alla pratar om bostadskön”, säger hon. ”Ingen pratar om hur många hus som står tomma i byarna.”

Den styrande majoriteten har lovat ett bostadsprogram före sommaren, med bland annat mark för mindre hyreshus och stöd till förstagångsköpare i byarna. För Alva Persson kan det inte gå fort nog. ”Jag älskar den här stan”, säger hon. ”Men jag har börjat titta på bostadsannonser på andra orter.”';
-- +goose StatementEnd
