#include "chapters/ch00_foundation/errors.hpp"
#include "exercises/checker/exercise.hpp"
#include "exercises/checker/learner.hpp"

#include <algorithm>
#include <cctype>
#include <exception>
#include <stdexcept>

namespace cnnlab::exercises {

std::string_view status_name(Status status) {
    switch (status) {
        case Status::not_attempted: return "not attempted";
        case Status::wrong: return "WRONG";
        case Status::right: return "RIGHT";
        case Status::error: return "ERROR";
    }
    return "?";
}

Verdict Verdict::right(std::string checked) { return {Status::right, std::move(checked), std::nullopt}; }

Verdict Verdict::wrong(Mismatch mismatch) {
    std::string detail = mismatch.describe();
    return {Status::wrong, std::move(detail), std::move(mismatch)};
}

void Registry::add_chapter(Chapter chapter) {
    if (this->chapter(chapter.number))
        throw std::logic_error(str("exercise registry: chapter ", chapter.number, " is added twice"));
    chapters_.push_back(std::move(chapter));
}

void Registry::add(Exercise exercise) {
    if (!chapter(exercise.chapter))
        throw std::logic_error(str("exercise registry: exercise '", exercise.id, "' names chapter ", exercise.chapter,
                                   ", which has no add_chapter"));
    if (exercise.id.empty() || !exercise.check)
        throw std::logic_error(str("exercise registry: exercise '", exercise.id, "' needs an id and a check"));
    const bool taken = std::any_of(exercises_.begin(), exercises_.end(), [&](const Exercise& e) { return e.id == exercise.id; });
    if (taken) throw std::logic_error(str("exercise registry: id '", exercise.id, "' is used twice"));
    exercises_.push_back(std::move(exercise));
}

const Chapter* Registry::chapter(int number) const {
    for (const Chapter& c : chapters_)
        if (c.number == number) return &c;
    return nullptr;
}

std::vector<const Exercise*> Registry::select(std::string_view selector) const {
    std::vector<const Exercise*> chosen;
    const bool is_chapter = !selector.empty() && std::all_of(selector.begin(), selector.end(), [](unsigned char c) { return std::isdigit(c); });
    for (const Exercise& e : exercises_) {
        const std::string_view id = e.id;
        const bool matches = selector.empty() ||
                             (is_chapter ? std::to_string(e.chapter) == selector
                                         : id == selector || (id.starts_with(selector) && id[selector.size()] == '.'));
        if (matches) chosen.push_back(&e);
    }
    if (chosen.empty()) {
        std::string ids;
        for (const Exercise& e : exercises_) ids += (ids.empty() ? "" : ", ") + e.id;
        throw argument_error(str("check: no chapter or exercise '", selector, "'; give a chapter number or one of: ", ids));
    }
    return chosen;
}

const Registry& all_exercises() {
    static const Registry registry = [] {
        Registry r;
        register_ch01_exercises(r);
        register_ch02_exercises(r);
        register_ch03_exercises(r);
        register_ch04_exercises(r);
        register_ch05_exercises(r);
        register_ch06_exercises(r);
        register_ch07_exercises(r);
        return r;
    }();
    return registry;
}

Result run_exercise(const Exercise& exercise) {
    Result result{&exercise, {}};
    try {
        result.verdict = exercise.check();
    } catch (const not_attempted&) {
        result.verdict = {Status::not_attempted, str("write ", exercise.function), std::nullopt};
    } catch (const std::exception& e) {
        result.verdict = {Status::error, str("your code threw: ", e.what()), std::nullopt};
    } catch (...) {
        result.verdict = {Status::error, "your code threw something that is not a std::exception", std::nullopt};
    }
    return result;
}

std::vector<Result> run_exercises(const std::vector<const Exercise*>& exercises) {
    std::vector<Result> results;
    results.reserve(exercises.size());
    for (const Exercise* e : exercises) results.push_back(run_exercise(*e));
    return results;
}

}  // namespace cnnlab::exercises
