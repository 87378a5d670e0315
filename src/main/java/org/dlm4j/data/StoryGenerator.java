package org.dlm4j.data;

import java.util.ArrayList;
import java.util.List;
import org.dlm4j.kernels.Rng;

/**
 * Generates short stories from a small probabilistic grammar whose sentences depend on a tracked world
 * state ({@link World}), so predicting them needs more than n-gram statistics: who holds which object,
 * where everyone is, how many apples each character has after gifts and meals, and which pronoun (she/he)
 * refers to the last subject.
 *
 * <p>A story is: an introduction of 2-3 characters; set-up sentences stating where each character is,
 * where each of 2-3 objects lies (or who has it) and how many of the story's fruit each character has;
 * then 6-10 events, each allowed only when the state permits it (you can only give what you hold, to
 * someone in the same place; you can only pick up what lies where you are), sometimes followed by a
 * statement of the new state ("Now Mia had two apples."); then "The end." Every fact is narrated, so the
 * state after any prefix is determined by the prefix.
 *
 * <p>Deterministic: the same seed gives the same stories on every JVM (all randomness is one {@link Rng}).
 */
public final class StoryGenerator {
    private static final String[] GIRLS = {"Mia", "Lily", "Emma", "Anna", "Sara", "Lucy", "Nora", "Zoe", "Ella", "Ruby"};
    private static final String[] BOYS = {"Tom", "Ben", "Sam", "Leo", "Max", "Jack", "Finn", "Owen", "Noah", "Luke"};
    /**
     * Every place name has four letters, so the multiple-choice endings "Now Mia was in the park." of one
     * item, which differ only in the place, have equal lengths: a model cannot prefer one by its length.
     */
    private static final String[] PLACES = {"park", "barn", "yard", "cave", "hall", "shop", "farm", "mill", "shed",
        "tent", "cafe", "club"};
    /** Adjectives all start with a consonant, so "a" is always the right article. */
    private static final String[] COLORS = {"red", "blue", "green", "yellow", "small", "big", "tiny", "shiny"};
    private static final String[] THINGS = {"ball", "key", "book", "hat", "cup", "box", "kite", "lamp", "coin", "shell"};
    private static final String[] FRUITS = {"apple", "pear", "plum", "cookie", "carrot"};
    private static final String[] MOVE_VERBS = {"went", "walked", "ran"};

    private static final int PLACES_PER_STORY = 4;
    private static final int MIN_EVENTS = 6;
    private static final int MAX_EVENTS = 10;

    private final Rng master;

    public StoryGenerator(long seed) {
        this.master = new Rng(seed);
    }

    /** The next {@code count} stories. */
    public List<Story> generate(int count) {
        var stories = new ArrayList<Story>(count);
        for (int i = 0; i < count; i++) {
            stories.add(next());
        }
        return stories;
    }

    /** The next story; each story draws from its own generator split off the seed's stream. */
    public Story next() {
        return new Builder(master.split()).build();
    }

    /** Builds one story sentence by sentence, recording the world after each. */
    private static final class Builder {
        private final Rng rng;
        private final World world;
        private final List<String> sentences = new ArrayList<>();
        private final List<World> states = new ArrayList<>();
        private final List<Claim> placeFacts = new ArrayList<>();

        Builder(Rng rng) {
            this.rng = rng;
            int numCharacters = 2 + rng.nextInt(2);
            var names = new ArrayList<String>();
            boolean[] female = new boolean[numCharacters];
            for (int c = 0; c < numCharacters; c++) {
                String name;
                do {
                    female[c] = rng.nextInt(2) == 0;
                    name = female[c] ? GIRLS[rng.nextInt(GIRLS.length)] : BOYS[rng.nextInt(BOYS.length)];
                } while (names.contains(name));
                names.add(name);
            }
            this.world = new World(names, female, pick(PLACES, PLACES_PER_STORY), objects(2 + rng.nextInt(2)),
                    FRUITS[rng.nextInt(FRUITS.length)]);
        }

        private List<String> pick(String[] pool, int count) {
            int[] order = new int[pool.length];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            rng.shuffle(order);
            var picked = new ArrayList<String>();
            for (int i = 0; i < count; i++) {
                picked.add(pool[order[i]]);
            }
            return picked;
        }

        /** Objects with distinct nouns, so "the key" always names one object. */
        private List<String> objects(int count) {
            var objects = new ArrayList<String>();
            for (String thing : pick(THINGS, count)) {
                objects.add(COLORS[rng.nextInt(COLORS.length)] + " " + thing);
            }
            return objects;
        }

        Story build() {
            introduce();
            int setup = sentences.size();
            int events = MIN_EVENTS + rng.nextInt(MAX_EVENTS - MIN_EVENTS + 1);
            for (int e = 0; e < events; e++) {
                event();
                if (rng.nextInt(4) == 0) {
                    statement();
                }
            }
            say("The end.");
            return new Story(sentences, states, placeFacts, setup);
        }

        private void say(String sentence) {
            say(sentence, null);
        }

        /** Tells a sentence that states {@code placeFact} (a character's or an object's place), or null. */
        private void say(String sentence, Claim placeFact) {
            sentences.add(sentence);
            states.add(world.copy());
            placeFacts.add(placeFact);
        }

        private void introduce() {
            var intro = new StringBuilder("Once upon a time, there was ");
            for (int c = 0; c < world.numCharacters(); c++) {
                if (c > 0) {
                    intro.append(c == world.numCharacters() - 1 ? " and " : ", ");
                }
                intro.append(world.isFemale(c) ? "a girl named " : "a boy named ").append(world.name(c));
            }
            say(intro.append('.').toString());
            for (int c = 0; c < world.numCharacters(); c++) {
                world.moveCharacter(c, rng.nextInt(world.numPlaces()));
                Claim place = new Claim.CharacterPlace(c, world.placeOf(c));
                say(place.render(world), place);
            }
            for (int o = 0; o < world.numObjects(); o++) {
                if (rng.nextInt(3) == 0) {
                    int c = rng.nextInt(world.numCharacters());
                    world.giveObject(o, c);
                    say(world.name(c) + " had a " + world.object(o) + ".");
                } else {
                    world.leaveObject(o, rng.nextInt(world.numPlaces()));
                    say("There was a " + world.object(o) + " in the " + world.place(world.placeOfObject(o)) + ".",
                            new Claim.ObjectPlace(o, world.placeOfObject(o)));
                }
            }
            for (int c = 0; c < world.numCharacters(); c++) {
                world.setFruitCount(c, rng.nextInt(5));
                say(new Claim.FruitCount(c, world.fruitCount(c)).render(world));
            }
        }

        /** Tries random event kinds until one is allowed by the state. */
        private void event() {
            while (true) {
                int c = rng.nextInt(world.numCharacters());
                boolean done = switch (rng.nextInt(7)) {
                    case 0, 1 -> move(c);
                    case 2 -> pickUp(c);
                    case 3 -> drop(c);
                    case 4 -> give(c);
                    case 5 -> giveFruit(c);
                    default -> rng.nextInt(2) == 0 ? eat(c) : findFruit(c);
                };
                if (done) {
                    return;
                }
            }
        }

        /** Subject of a sentence: the name, or half the time she/he when c was the last subject; maybe after "Then". */
        private String subject(int c) {
            boolean pronoun = world.lastSubject() == c && rng.nextInt(2) == 0;
            String who = pronoun ? (world.isFemale(c) ? "she" : "he") : world.name(c);
            world.setLastSubject(c);
            return rng.nextInt(3) == 0 ? "Then " + who : Words.capitalize(who);
        }

        private String possessive(int c) {
            return world.isFemale(c) ? "her" : "his";
        }

        private boolean move(int c) {
            int p = rng.nextInt(world.numPlaces());
            if (p == world.placeOf(c)) {
                return false;
            }
            String s = subject(c);
            world.moveCharacter(c, p);
            say(s + " " + MOVE_VERBS[rng.nextInt(MOVE_VERBS.length)] + " to the " + world.place(p) + ".",
                    new Claim.CharacterPlace(c, p));
            return true;
        }

        private boolean pickUp(int c) {
            int o = rng.nextInt(world.numObjects());
            if (world.holder(o) != World.NOBODY || world.placeOfObject(o) != world.placeOf(c)) {
                return false;
            }
            String s = subject(c);
            world.giveObject(o, c);
            say(rng.nextInt(2) == 0
                    ? s + " found the " + world.object(o) + " and picked it up."
                    : s + " picked up the " + world.object(o) + " and put it in " + possessive(c) + " bag.");
            return true;
        }

        private boolean drop(int c) {
            int o = rng.nextInt(world.numObjects());
            if (world.holder(o) != c) {
                return false;
            }
            String s = subject(c);
            world.leaveObject(o, world.placeOf(c));
            say(s + " left the " + world.object(o) + " in the " + world.place(world.placeOf(c)) + ".",
                    new Claim.ObjectPlace(o, world.placeOf(c)));
            return true;
        }

        private int someoneElseHere(int c) {
            int d = rng.nextInt(world.numCharacters());
            return d != c && world.placeOf(d) == world.placeOf(c) ? d : World.NOBODY;
        }

        private boolean give(int c) {
            int o = rng.nextInt(world.numObjects());
            int d = someoneElseHere(c);
            if (world.holder(o) != c || d == World.NOBODY) {
                return false;
            }
            String s = subject(c);
            world.giveObject(o, d);
            say(s + " gave the " + world.object(o) + " to " + world.name(d) + ".");
            return true;
        }

        private boolean giveFruit(int c) {
            int d = someoneElseHere(c);
            if (world.fruitCount(c) == 0 || d == World.NOBODY) {
                return false;
            }
            int k = 1 + rng.nextInt(world.fruitCount(c));
            if (world.fruitCount(d) + k > Words.MAX_COUNT) {
                return false;
            }
            String s = subject(c);
            world.setFruitCount(c, world.fruitCount(c) - k);
            world.setFruitCount(d, world.fruitCount(d) + k);
            say(s + " gave " + Words.count(k, world.fruit()) + " to " + world.name(d) + ".");
            return true;
        }

        private boolean eat(int c) {
            if (world.fruitCount(c) == 0) {
                return false;
            }
            String s = subject(c);
            world.setFruitCount(c, world.fruitCount(c) - 1);
            say(s + " ate one " + world.fruit() + ".");
            return true;
        }

        private boolean findFruit(int c) {
            int k = 1 + rng.nextInt(3);
            if (world.fruitCount(c) + k > Words.MAX_COUNT) {
                return false;
            }
            String s = subject(c);
            world.setFruitCount(c, world.fruitCount(c) + k);
            say(s + " found " + Words.count(k, world.fruit()) + " in the " + world.place(world.placeOf(c)) + ".");
            return true;
        }

        /** A true claim about the current state, prefixed "Now". */
        private void statement() {
            Claim claim = trueClaim(rng, world);
            world.setLastSubject(claim instanceof Claim.CharacterPlace cp ? cp.character()
                    : claim instanceof Claim.FruitCount fc ? fc.character() : World.NOBODY);
            boolean place = claim instanceof Claim.CharacterPlace || claim instanceof Claim.ObjectPlace;
            say(claim.restate(world), place ? claim : null);
        }
    }

    /** Kinds of claims, in the order {@link #trueClaim} and the multiple-choice builder draw them. */
    enum ClaimKind { CHARACTER_PLACE, FRUIT_COUNT, OBJECT_PLACE, OBJECT_HOLDER }

    /** A random claim that holds in {@code world}. */
    static Claim trueClaim(Rng rng, World world) {
        while (true) {
            Claim claim = trueClaim(ClaimKind.values()[rng.nextInt(ClaimKind.values().length)], rng, world);
            if (claim != null) {
                return claim;
            }
        }
    }

    /** A random true claim of one kind, or null when there is none (no object is held). */
    static Claim trueClaim(ClaimKind kind, Rng rng, World world) {
        return switch (kind) {
            case CHARACTER_PLACE -> {
                int c = rng.nextInt(world.numCharacters());
                yield new Claim.CharacterPlace(c, world.placeOf(c));
            }
            case FRUIT_COUNT -> {
                int c = rng.nextInt(world.numCharacters());
                yield new Claim.FruitCount(c, world.fruitCount(c));
            }
            case OBJECT_PLACE -> {
                int o = rng.nextInt(world.numObjects());
                yield new Claim.ObjectPlace(o, world.placeOfObject(o));
            }
            case OBJECT_HOLDER -> {
                var held = new ArrayList<Integer>();
                for (int o = 0; o < world.numObjects(); o++) {
                    if (world.holder(o) != World.NOBODY) {
                        held.add(o);
                    }
                }
                if (held.isEmpty()) {
                    yield null;
                }
                int o = held.get(rng.nextInt(held.size()));
                yield new Claim.ObjectHolder(o, world.holder(o));
            }
        };
    }
}
