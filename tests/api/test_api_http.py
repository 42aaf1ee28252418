"""The JSON API over real HTTP: what anonymous and logged-in readers get, filters, paging and errors."""


def get(session, api, path, **params):
    return session.get(f"{api.url}/api/v1/{path}", params=params, timeout=30)


def ids(response):
    assert response.status_code == 200, response.text[:500]
    return {item["id"] for item in response.json()["results"]}


def test_anonymous_readers_get_public_live_experiments_only(api, anonymous):
    response = get(anonymous, api, "experiments/")
    assert ids(response) == {api.family.pk, api.sickness.pk}
    assert response.headers["Content-Type"] == "application/json"
    family = next(item for item in response.json()["results"] if item["id"] == api.family.pk)
    assert family["title"] == "Én plan for familier"  # the published title, not the pending draft's
    assert family["municipality"] == {"id": family["municipality"]["id"], "slug": "helsingor", "title": "Helsingør"}
    assert family["url"] == f"{api.url}/kommuner/helsingor/{api.family.slug}/"
    assert family["status"] == "started" and family["status_label"] == "igangsat"
    assert family["tags"] == ["familie"]


def test_network_only_records_answer_404_to_anonymous_readers_and_drafts_to_everyone(api, anonymous, network_reader):
    assert get(anonymous, api, f"experiments/{api.internal.pk}/").status_code == 404
    assert get(network_reader, api, f"experiments/{api.internal.pk}/").status_code == 200
    for session in (anonymous, network_reader):
        assert get(session, api, f"experiments/{api.draft.pk}/").status_code == 404
    assert ids(get(network_reader, api, "experiments/")) == {api.family.pk, api.sickness.pk, api.internal.pk}
    assert get(anonymous, api, f"articles/{api.network_article.pk}/").status_code == 404
    assert get(network_reader, api, f"articles/{api.network_article.pk}/").status_code == 200


def test_experiment_detail_has_exemptions_status_history_results_learnings_and_partners(api, anonymous):
    response = get(anonymous, api, f"experiments/{api.family.pk}/")
    assert response.status_code == 200
    body = response.json()
    assert [(e["provision"]["reference"], e["decision"]) for e in body["exemptions"]] == [
        ("SEL § 140", "granted"),
        ("LAB § 40, stk. 1", "applied"),
    ]
    assert [(event["status"], event["date"]) for event in body["status_history"]] == [
        ("approved", "2017-05-01"),
        ("started", "2018-01-01"),
    ]
    assert [result["indicator"] for result in body["results"]] == ["Indikator 0", "Indikator 1"]
    assert body["learnings"][0]["what_worked"] == "Det virkede 0"
    assert body["evaluations"][0]["evaluator"] == "Evaluator 0"
    assert [partner["municipality"]["slug"] for partner in body["partners"]] == ["hillerod"]
    assert body["planned_end"] == "2019-12-31"


def test_experiment_filters_are_the_search_facets(api, anonymous):
    from experiments.models import ServiceArea, TargetGroup

    families, youth = TargetGroup.objects.order_by("name")[:2]
    jobcenter = ServiceArea.objects.order_by("name").first()
    family, sickness = api.family.pk, api.sickness.pk

    def found(**params):
        return ids(get(anonymous, api, "experiments/", **params))

    assert found(kommune="hillerod") == {family, sickness}  # Hillerød owns one and is partner in the other
    assert found(kommune="217") == {family}  # Helsingør's municipality code
    assert found(kommune=["helsingor", "hillerod"]) == {family, sickness}
    assert found(kommune="helsingor,hillerod") == {family, sickness}
    assert found(status="igangsat") == {family, sickness}
    assert found(status="approved") == set()
    assert found(maalgruppe=families.slug) == {family}
    assert found(maalgruppe=youth.slug, kommune="helsingor") == set()
    assert found(fagomraade=jobcenter.slug) == {family}
    assert found(lov="SEL") == {family}
    assert found(lov="sygedagpengeloven") == {sickness}
    assert found(paragraf="SEL § 140") == {family}
    assert found(paragraf="LAB § 40") == {family}  # a paragraph covers its stk.
    assert found(aar=2018) == {family}
    assert found(aar=2021) == {sickness}
    assert found(aar=[2019, 2020]) == {family, sickness}
    assert found(tag="Familie") == {family}


def test_bad_filter_values_get_400_with_a_danish_message(api, anonymous):
    for params, field, text in [
        ({"kommune": "atlantis"}, "kommune", "Ukendt værdi: atlantis"),
        ({"status": "halvfærdig"}, "status", "Ukendt værdi: halvfærdig"),
        ({"lov": "grundloven"}, "lov", "Ukendt værdi: grundloven"),
        ({"aar": "sidste år"}, "aar", "Skriv et årstal"),
        ({"paragraf": "SEL § §"}, "paragraf", ""),
        ({"maalgruppe": "robotter"}, "maalgruppe", "Ukendt værdi: robotter"),
    ]:
        response = get(anonymous, api, "experiments/", **params)
        assert response.status_code == 400, params
        assert text in response.json()[field][0], response.json()
    response = get(anonymous, api, "experiments/", page=99)
    assert response.status_code == 404
    assert response.json() == {"detail": "Siden findes ikke."}


def test_lists_are_paged_with_stable_page_ids(api, network_reader):
    first = get(network_reader, api, "experiments/", antal=2).json()
    assert first["count"] == 3
    assert [item["id"] for item in first["results"]] == sorted([api.family.pk, api.sickness.pk, api.internal.pk])[:2]
    second = network_reader.get(first["next"], timeout=30).json()
    assert [item["id"] for item in second["results"]] == [max(api.family.pk, api.sickness.pk, api.internal.pk)]
    assert second["next"] is None


def test_provisions_count_requests_of_visible_experiments_per_decision(api, anonymous, network_reader):
    from experiments.models import Provision
    from experiments.references import parse_reference

    sel_140 = Provision.objects.resolve(parse_reference("SEL § 140"))
    public = get(anonymous, api, f"provisions/{sel_140.pk}/").json()
    assert public["reference"] == "SEL § 140"
    assert public["requests"] == 1 and public["municipality_count"] == 1
    assert public["decisions"]["granted"] == 1 and public["decisions"]["partly_granted"] == 0
    network = get(network_reader, api, f"provisions/{sel_140.pk}/").json()
    assert network["requests"] == 2 and network["decisions"]["partly_granted"] == 1
    sought = get(anonymous, api, "provisions/", soegt="ja", antal=200).json()
    assert {item["reference"] for item in sought["results"]} == {
        "SEL § 140",
        "LAB § 40, stk. 1",
        "sygedagpengeloven § 13",
    }
    lab = get(anonymous, api, "provisions/", lov="LAB", antal=200).json()
    assert {item["law"]["key"] for item in lab["results"]} == {"LAB"}
    renumbered = next(item for item in lab["results"] if item["reference"] == "LAB §§ 27–30")
    assert renumbered["successor"] is not None and renumbered["law"]["repealed_on"] == "2020-01-01"
    assert renumbered["successors"] == [renumbered["successor"]]
    split = next(item for item in lab["results"] if item["reference"] == "LAB § 30 a")
    assert len(split["successors"]) == 2 and split["successor"] == min(split["successors"])
    assert {item["reference"] for item in lab["results"] if item["id"] in split["successors"]} == {
        "LAB § 40, stk. 2",
        "LAB § 44",
    }


def test_municipalities_count_the_experiments_the_reader_may_see(api, anonymous, network_reader):
    public = get(anonymous, api, "municipalities/").json()
    assert public["count"] == 9
    counts = {item["slug"]: item["experiment_count"] for item in public["results"]}
    assert counts["helsingor"] == 1 and counts["hillerod"] == 1 and counts["gribskov"] == 0
    network = {
        item["slug"]: item["experiment_count"] for item in get(network_reader, api, "municipalities/").json()["results"]
    }
    assert network["helsingor"] == 2


def test_articles_list_only_what_the_reader_may_see_and_link_visible_experiments(api, anonymous, network_reader):
    public = get(anonymous, api, "articles/").json()
    assert [item["id"] for item in public["results"]] == [api.article.pk]
    assert public["results"][0]["experiments"] == [api.family.pk]
    assert public["results"][0]["provisions"][0]["reference"] == "SEL § 140"
    network = get(network_reader, api, "articles/").json()
    assert {item["id"] for item in network["results"]} == {api.article.pk, api.network_article.pk}
    article = next(item for item in network["results"] if item["id"] == api.article.pk)
    assert sorted(article["experiments"]) == sorted([api.family.pk, api.internal.pk])
